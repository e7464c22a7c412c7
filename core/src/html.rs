//! The public pages' static content as HTML text: one source of markup for
//! the first HTML the server sends and for the app.
//!
//! Pure functions from data, a language and today's date to escaped HTML
//! (every text a resident or an import supplied goes through [`escape`]).
//! The markup is the app's own (the same classes, `data-testid`s and
//! words, `crate::i18n`; dates, 和暦 and fiscal years by `crate::calendar`
//! and `crate::wareki`), so the page does not change when the app takes it
//! over. What only the app can do (searching as you type, the filters'
//! choices, buttons) is drawn by its Leptos components; their markup here
//! is what they show before any input.

use crate::calendar::{
    events_on, events_per_cell, format_range_en, format_range_ja, month_grid,
    nearest_month_with_events, upcoming,
};
use crate::city::CityConfig;
use crate::i18n::{self, Lang, Texts};
use crate::search::SearchIndex;
use crate::sort::sort_by;
use crate::{CityContact, Date, Event, Group, GroupKind, WeekStart, Weekday, YearMonth, YearStyle};
use std::fmt::Write as _;

/// Cards drawn at first on the directory page (the app's `MAX_SHOWN`).
pub const GROUPS_SHOWN: usize = 60;
/// Events drawn on the agenda (the app's `MAX_SHOWN` there).
pub const AGENDA_SHOWN: usize = 200;
/// The month's events listed under the calendar's grid in the first HTML
/// (whole days, from the first; the grid's buttons count every event).
pub const MONTH_LISTED: usize = 60;

/// Text for HTML content and quoted attribute values: `& < > " '` escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A page's head: its title (`団体名 | つながり`), description and `og:` type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub title: String,
    pub description: String,
    /// `website` or `article`.
    pub og_type: &'static str,
}

/// A rendered page: what goes in `<head>` and the content of `<main>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub head: Head,
    pub main: String,
    /// The page names a group or event that does not exist (answered 404).
    pub not_found: bool,
}

/// `page | つながり`, as the app's `set_title` writes it.
pub fn title(page: &str, lang: Lang) -> String {
    let app = lang.texts().app_name;
    if page.is_empty() {
        app.to_string()
    } else {
        format!("{page} | {app}")
    }
}

/// At most `max` characters of the first non-empty line, for a description.
fn summary(text: &str, max: usize) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    let mut out: String = line.chars().take(max).collect();
    if line.chars().count() > max {
        out.push('…');
    }
    out
}

fn path_segment(id: &str) -> String {
    crate::routes::Page::Group(id.to_string())
        .path()
        .trim_start_matches("/groups/")
        .to_string()
}

/// The header, the status line's place and the opening of `<main>`: what
/// the app's `App` draws around a page before its data is read.
pub fn chrome_start(lang: Lang, city: &CityConfig) -> String {
    let t = lang.texts();
    let other = lang.other();
    format!(
        "<a class=\"skip-link\" href=\"#main\" rel=\"external\">{skip}</a>\
<header class=\"site-header\"><div class=\"container header-row\">\
<a class=\"brand\" href=\"/groups\"><span class=\"brand-name\">{app}</span><span class=\"brand-tagline\">{tagline}</span></a>\
<button type=\"button\" class=\"lang-switch\" data-testid=\"lang-switch\" lang=\"{other}\" aria-label=\"{switch_label}\">{switch}</button>\
</div><nav class=\"container\" aria-label=\"{nav}\">\
<a href=\"/groups\">{groups}</a><a href=\"/calendar\">{calendar}</a><a href=\"/events\">{events}</a><a href=\"/drafts\">{drafts}</a>\
</nav></header>\
<div class=\"status-bar\"><div class=\"container status-row\">\
<p class=\"status\" data-testid=\"net-status\" aria-live=\"polite\" title=\"{online}\">{online}</p>\
<p class=\"last-updated\" data-testid=\"last-updated\" title=\"{never}\">{never}</p>\
</div></div><main id=\"main\" tabindex=\"-1\">",
        skip = t.skip_link,
        app = t.app_name,
        tagline = escape(city.tagline(lang)),
        other = other.code(),
        switch_label = t.lang_switch_label,
        switch = t.lang_switch,
        nav = t.nav_label,
        groups = t.nav_groups,
        calendar = t.nav_calendar,
        events = t.nav_events,
        drafts = t.nav_drafts,
        online = t.online,
        never = t.never_updated,
    )
}

/// Closes what [`chrome_start`] opened.
pub const CHROME_END: &str = "</main>";

/// One card of the directory (the app's `groups::card`).
pub fn group_card(group: &Group, lang: Lang) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<li><a class=\"group-card\" data-testid=\"group-link\" href=\"/groups/{}\">\
<span class=\"group-name\">{}</span>",
        escape(&path_segment(&group.id)),
        escape(&group.name)
    );
    if let Some(r) = &group.reading {
        let _ = write!(out, "<small class=\"reading\">{}</small>", escape(r));
    }
    let _ = write!(
        out,
        "<span class=\"badge\">{}</span><span class=\"summary\">{}</span></a></li>",
        i18n::kind_label(lang, group.kind),
        escape(group.description.lines().next().unwrap_or_default())
    );
    out
}

/// The directory search box, the kind filter and their labels, empty.
fn directory_filters(t: &Texts, lang: Lang) -> String {
    let mut options = format!("<option value=\"\" selected=\"\">{}</option>", t.kind_all);
    for kind in GroupKind::ALL {
        let _ = write!(
            options,
            "<option value=\"{}\">{}</option>",
            kind.code(),
            i18n::kind_label(lang, kind)
        );
    }
    format!(
        "<div class=\"filters\" role=\"search\">\
<div class=\"field\"><label for=\"group-search\">{label}</label>\
<input id=\"group-search\" type=\"search\" autocomplete=\"off\" enterkeyhint=\"search\" placeholder=\"{placeholder}\"></div>\
<div class=\"field\"><label for=\"kind-filter\">{kind_label}</label><select id=\"kind-filter\">{options}</select></div>\
</div>",
        label = t.search_label,
        placeholder = t.search_placeholder,
        kind_label = t.kind_label,
    )
}

/// `/` and `/groups`: the directory in the order the app lists it with no
/// query (`index.search("")`), the first [`GROUPS_SHOWN`] cards.
pub fn groups_page(
    groups: &[Group],
    index: &SearchIndex,
    city: &CityConfig,
    lang: Lang,
) -> Rendered {
    let t = lang.texts();
    let order = index.search("");
    let mut main = format!(
        "<div class=\"container page\"><h1>{}</h1>{}<p class=\"count\" aria-live=\"polite\">{}</p>",
        t.groups_title,
        directory_filters(t, lang),
        i18n::count(lang, order.len())
    );
    if order.is_empty() {
        let _ = write!(main, "<p class=\"empty\">{}</p>", t.loading);
    } else {
        main.push_str("<ul class=\"group-list\">");
        for g in order
            .iter()
            .take(GROUPS_SHOWN)
            .filter_map(|&i| groups.get(i))
        {
            main.push_str(&group_card(g, lang));
        }
        main.push_str("</ul>");
        let left = order.len().saturating_sub(GROUPS_SHOWN);
        if left > 0 {
            let _ = write!(
                main,
                "<p><button type=\"button\" class=\"button secondary\" data-testid=\"show-more\">{}</button></p>",
                i18n::show_more(lang, left.min(GROUPS_SHOWN), left)
            );
        }
    }
    main.push_str("</div>");
    let description = match lang {
        Lang::Ja => format!(
            "{}の協働のまちづくりに関わる{}の団体の名簿。オフラインでも使えます。",
            city.name_ja,
            order.len()
        ),
        Lang::En => format!(
            "{} groups of {}'s civic partnership. Works offline.",
            order.len(),
            city.place_en
        ),
    };
    Rendered {
        head: Head {
            title: title(t.groups_title, lang),
            description,
            og_type: "website",
        },
        main,
        not_found: false,
    }
}

/// "2021年10月23日(土) 10:00–16:00" / "Sat 23 Oct 2021 10:00–16:00".
pub fn when(lang: Lang, event: &Event, year: YearStyle) -> String {
    match lang {
        Lang::Ja => format_range_ja(event, year),
        Lang::En => format_range_en(event, year),
    }
}

/// One event in a list (the app's `event_ui::event_item`); `rel` is the
/// link's (`external` from the directory shell).
pub fn event_item(event: &Event, lang: Lang, year: YearStyle, rel: Option<&str>) -> String {
    let mut out = format!(
        "<li><a class=\"event-card\" data-testid=\"event-link\" href=\"{}\"",
        escape(&crate::routes::Page::Event(event.id.clone()).path())
    );
    if let Some(rel) = rel {
        let _ = write!(out, " rel=\"{rel}\"");
    }
    let _ = write!(
        out,
        "><span class=\"event-when\">{}</span><span class=\"event-title\">{}</span>",
        escape(&when(lang, event, year)),
        escape(&event.title)
    );
    if !event.place.is_empty() {
        let _ = write!(
            out,
            "<span class=\"event-place\">{}</span>",
            escape(&event.place)
        );
    }
    let _ = write!(
        out,
        "<span class=\"badge cat-{}\">{}</span></a></li>",
        event.category.code(),
        i18n::category_label(lang, event.category)
    );
    out
}

/// A contact line as printed: web addresses become links.
fn contact_line(line: &str) -> String {
    if line.starts_with("https://") || line.starts_with("http://") {
        format!(
            "<a href=\"{0}\" rel=\"external noopener\" target=\"_blank\">{0}</a>",
            escape(line)
        )
    } else {
        format!("<span>{}</span>", escape(line))
    }
}

/// `/groups/:id`: the profile, activities, the group's events (soonest
/// first), its programs (newest year first), its contacts and the city's.
/// `event_rel`: the `rel` of links to events from the bundle that runs the
/// page (`external` from the directory shell).
pub fn group_page(
    group: &Group,
    events: &[Event],
    contacts: &[CityContact],
    city: &CityConfig,
    lang: Lang,
    event_rel: Option<&str>,
) -> Rendered {
    let g = group;
    let main = format!(
        "<article class=\"container page detail\">{}</article>",
        group_article(g, events, contacts, city, lang, event_rel)
    );
    let description = {
        let about = summary(&g.description, 110);
        if about.is_empty() {
            i18n::kind_label(lang, g.kind).to_string()
        } else {
            about
        }
    };
    Rendered {
        head: Head {
            title: title(&g.name, lang),
            description,
            og_type: "profile",
        },
        main,
        not_found: false,
    }
}

/// What the group page's `<article class="container page detail">` holds:
/// the app sets it as the article's inner HTML, the server wraps it.
pub fn group_article(
    group: &Group,
    events: &[Event],
    contacts: &[CityContact],
    city: &CityConfig,
    lang: Lang,
    event_rel: Option<&str>,
) -> String {
    let t = lang.texts();
    let g = group;
    let mut m = String::new();
    let _ = write!(
        m,
        "<p class=\"back\"><a href=\"/groups\">← {}</a></p><h1>{}</h1>",
        t.back_to_list,
        escape(&g.name)
    );
    if let Some(r) = &g.reading {
        let _ = write!(
            m,
            "<p class=\"reading\" aria-label=\"{}\">{}</p>",
            t.reading,
            escape(r)
        );
    }
    let _ = write!(
        m,
        "<p class=\"badges\"><span class=\"visually-hidden\">{}: </span><span class=\"badge\">{}</span></p>",
        t.kind,
        i18n::kind_label(lang, g.kind)
    );
    if !g.registrations.is_empty() {
        let _ = write!(
            m,
            "<ul class=\"badges\" aria-label=\"{}\">",
            t.registrations
        );
        for r in &g.registrations {
            let _ = write!(
                m,
                "<li class=\"badge alt\">{}</li>",
                i18n::registration_label(lang, *r)
            );
        }
        m.push_str("</ul>");
    }
    let _ = write!(
        m,
        "<section aria-labelledby=\"about\"><h2 id=\"about\">{}</h2>",
        t.about
    );
    for line in g.description.lines().filter(|l| !l.trim().is_empty()) {
        let _ = write!(m, "<p>{}</p>", escape(line));
    }
    if !g.activities.is_empty() {
        let _ = write!(m, "<h3>{}</h3><ul class=\"plain-list\">", t.activities);
        for a in &g.activities {
            let _ = write!(m, "<li>{}</li>", escape(a));
        }
        m.push_str("</ul>");
    }
    m.push_str("</section>");
    // The group's events, soonest first (core's agenda order from the
    // earliest date: past ones too, as the app lists them).
    let mine: Vec<Event> = events
        .iter()
        .filter(|e| e.organiser_group_id.as_deref() == Some(g.id.as_str()))
        .cloned()
        .collect();
    if let (false, Ok(epoch)) = (mine.is_empty(), Date::new(1, 1, 1)) {
        let _ = write!(
            m,
            "<section aria-labelledby=\"group-events\" data-testid=\"group-events\"><h2 id=\"group-events\">{}</h2><ul class=\"event-list\">",
            t.group_events
        );
        for i in upcoming(epoch, &mine) {
            m.push_str(&event_item(&mine[i], lang, YearStyle::Gregorian, event_rel));
        }
        m.push_str("</ul></section>");
    }
    let _ = write!(
        m,
        "<section aria-labelledby=\"programs\"><h2 id=\"programs\">{}</h2>\
<table class=\"history\" data-testid=\"program-history\"><thead><tr>\
<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
</tr></thead><tbody>",
        t.programs, t.fiscal_year, t.division, t.program_title, t.department
    );
    if g.programs.is_empty() {
        let _ = write!(m, "<tr><td colspan=\"4\">{}</td></tr>", t.no_programs);
    } else {
        let mut entries = g.programs.clone();
        sort_by(&mut entries, |a, b| b.fiscal_year.cmp(&a.fiscal_year));
        for p in entries {
            let _ = write!(
                m,
                "<tr><td data-label=\"{}\">{}</td><td data-label=\"{}\">{}</td><td data-label=\"{}\">{}</td><td data-label=\"{}\">{}</td></tr>",
                t.fiscal_year,
                i18n::fiscal_year(lang, p.fiscal_year),
                t.division,
                escape(&city.division_label(lang, &p.division)),
                t.program_title,
                escape(&p.title),
                t.department,
                escape(p.department.as_deref().unwrap_or("—")),
            );
        }
    }
    m.push_str("</tbody></table></section>");
    if !g.contacts.is_empty() {
        let _ = write!(
            m,
            "<section aria-labelledby=\"group-contacts\"><h2 id=\"group-contacts\">{}</h2><ul class=\"plain-list contacts\">",
            t.group_contacts
        );
        for c in &g.contacts {
            let _ = write!(m, "<li>{}</li>", contact_line(c));
        }
        m.push_str("</ul></section>");
    }
    m.push_str(&city_contacts(contacts, lang));
    m
}

/// The city's contact points (the app's `city_contact_list`).
pub fn city_contacts(contacts: &[CityContact], lang: Lang) -> String {
    let t = lang.texts();
    let mut m = format!(
        "<section aria-labelledby=\"city-contacts\"><h2 id=\"city-contacts\">{}</h2><ul class=\"contact-list\">",
        t.city_contacts
    );
    for c in contacts {
        let name = match (lang, &c.name_en) {
            (Lang::En, Some(en)) => en,
            _ => &c.name,
        };
        let _ = write!(
            m,
            "<li class=\"contact-card\"><h3>{}</h3><p class=\"role\">{}</p><ul class=\"plain-list\">",
            escape(name),
            escape(&c.role)
        );
        if let Some(a) = &c.address {
            let _ = write!(m, "<li>{}: {}</li>", t.address, escape(a));
        }
        if let Some(p) = &c.phone {
            let tel = p.replace(['-', ' '], "");
            let _ = write!(
                m,
                "<li>{}: <a href=\"tel:{}\" rel=\"external\">{}</a></li>",
                t.phone,
                escape(&tel),
                escape(p)
            );
        }
        if let Some(f) = &c.fax {
            let _ = write!(m, "<li>{}: {}</li>", t.fax, escape(f));
        }
        if let Some(e) = &c.email {
            let _ = write!(
                m,
                "<li>{}: <a href=\"mailto:{1}\" rel=\"external\">{1}</a></li>",
                t.email,
                escape(e)
            );
        }
        m.push_str("</ul></li>");
    }
    m.push_str("</ul></section>");
    m
}

/// A `<dt>`/`<dd>` pair (already escaped), left out when empty.
fn fact(out: &mut String, label: &str, value: &str) {
    if !value.trim().is_empty() {
        let _ = write!(out, "<dt>{label}</dt><dd>{value}</dd>");
    }
}

/// `encodeURIComponent`: every byte but `A-Z a-z 0-9 - _ . ! ~ * ' ( )`
/// percent-encoded.
pub fn encode_uri_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The map links of an event (the app's `event::map_links`): a `geo:` link
/// and OpenStreetMap at its coordinates, else a search for its place.
pub fn map_links(e: &Event, t: &Texts) -> String {
    match (e.lat, e.lon) {
        (Some(lat), Some(lon)) => format!(
            "<a class=\"button secondary\" data-testid=\"map-link\" href=\"geo:{lat},{lon}\" rel=\"external\">{}</a>\
<a class=\"button secondary\" href=\"https://www.openstreetmap.org/?mlat={lat}&amp;mlon={lon}#map=17/{lat}/{lon}\" rel=\"external noopener\" target=\"_blank\">{}</a>",
            t.map_app, t.map_osm
        ),
        _ => {
            let query = [e.place.as_str(), e.address.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            if query.is_empty() {
                return String::new();
            }
            format!(
                "<a class=\"button secondary\" data-testid=\"map-link\" href=\"https://www.openstreetmap.org/search?query={}\" rel=\"external noopener\" target=\"_blank\">{}</a>",
                encode_uri_component(&query),
                t.map_search
            )
        }
    }
}

/// `/events/:id`: when (and 和暦 in Japanese), where, who, the details.
/// `organiser_name`: the organising group's name from the directory.
pub fn event_page(event: &Event, organiser_name: Option<&str>, lang: Lang) -> Rendered {
    let e = event;
    let main = format!(
        "<article class=\"container page detail event-detail\">{}</article>",
        event_article(e, organiser_name, lang)
    );
    let place = if e.place.is_empty() {
        String::new()
    } else {
        format!(" {}", e.place)
    };
    let description = format!("{}{}", when(lang, e, YearStyle::Gregorian), place);
    let about = summary(&e.description, 80);
    let description = if about.is_empty() {
        description
    } else {
        format!("{description} — {about}")
    };
    Rendered {
        head: Head {
            title: title(&e.title, lang),
            description,
            og_type: "article",
        },
        main,
        not_found: false,
    }
}

/// What the event page's `<article class="container page detail
/// event-detail">` holds: the app sets it as the article's inner HTML (its
/// `.ics` button is handled by a click on the article), the server wraps it.
pub fn event_article(event: &Event, organiser_name: Option<&str>, lang: Lang) -> String {
    let t = lang.texts();
    let e = event;
    let mut m = format!(
        "<p class=\"back\"><a href=\"/calendar\">← {}</a></p><h1>{}</h1>",
        t.back_to_calendar,
        escape(&e.title)
    );
    if let Some(r) = &e.reading {
        let _ = write!(
            m,
            "<p class=\"reading\" aria-label=\"{}\">{}</p>",
            t.reading,
            escape(r)
        );
    }
    let _ = write!(
        m,
        "<p class=\"badges\"><span class=\"visually-hidden\">{}: </span><span class=\"badge cat-{}\">{}</span></p>",
        t.category,
        e.category.code(),
        i18n::category_label(lang, e.category)
    );
    let _ = write!(
        m,
        "<dl class=\"facts\"><dt>{}</dt><dd data-testid=\"event-when\">{}",
        t.when,
        escape(&when(lang, e, YearStyle::Gregorian))
    );
    if lang == Lang::Ja {
        let _ = write!(
            m,
            "<br><small class=\"wareki\">{}</small>",
            escape(&when(lang, e, YearStyle::Wareki))
        );
    }
    let _ = write!(
        m,
        "</dd><dt>{}</dt><dd data-testid=\"event-place\">{}",
        t.place,
        if e.place.is_empty() {
            "—".to_string()
        } else {
            escape(&e.place)
        }
    );
    if !e.address.is_empty() {
        let _ = write!(
            m,
            "<br><span class=\"address\">{}</span>",
            escape(&e.address)
        );
    }
    m.push_str("</dd>");
    let organiser = match &e.organiser_group_id {
        Some(id) => {
            let name = if e.organiser.is_empty() {
                organiser_name.unwrap_or(id)
            } else {
                &e.organiser
            };
            format!(
                "<a data-testid=\"organiser-link\" href=\"{}\">{}</a>",
                escape(&crate::routes::Page::Group(id.clone()).path()),
                escape(name)
            )
        }
        None => escape(&e.organiser),
    };
    fact(&mut m, t.organiser, &organiser);
    m.push_str("</dl><p class=\"actions\">");
    m.push_str(&map_links(e, t));
    let _ = write!(
        m,
        "</p><p class=\"actions\"><button type=\"button\" class=\"button\" data-testid=\"ics-download\">{}</button></p>",
        t.ics_event
    );
    if !e.description.trim().is_empty() {
        let _ = write!(
            m,
            "<section aria-labelledby=\"event-about\"><h2 id=\"event-about\">{}</h2><p class=\"description\">{}</p></section>",
            t.details,
            escape(&e.description)
        );
    }
    m.push_str("<dl class=\"facts\">");
    fact(&mut m, t.fee, &escape(&e.fee));
    fact(
        &mut m,
        t.capacity,
        &e.capacity
            .map(|n| i18n::capacity(lang, n))
            .unwrap_or_default(),
    );
    fact(
        &mut m,
        t.deadline,
        &e.application_deadline
            .map(|d| i18n::long_date(lang, d))
            .unwrap_or_default(),
    );
    fact(&mut m, t.method, &escape(&e.application_method));
    fact(&mut m, t.contact, &escape(&e.contact));
    if !e.url.trim().is_empty() {
        fact(
            &mut m,
            t.website,
            &format!(
                "<a href=\"{0}\" rel=\"external noopener\" target=\"_blank\">{0}</a>",
                escape(&e.url)
            ),
        );
    }
    fact(&mut m, t.category, i18n::category_label(lang, e.category));
    m.push_str("</dl>");
    m
}

/// `/events`: what is coming, soonest first (the app's agenda with no
/// filter set).
pub fn agenda_page(events: &[Event], today: Date, city: &CityConfig, lang: Lang) -> Rendered {
    let t = lang.texts();
    let coming = upcoming(today, events);
    let mut m = format!(
        "<div class=\"container page\"><h1>{}</h1><p class=\"count\" aria-live=\"polite\">{}</p><div data-testid=\"agenda\">",
        t.agenda_title,
        i18n::event_count(lang, coming.len())
    );
    if coming.is_empty() {
        let message = if events.is_empty() {
            t.loading
        } else {
            t.no_upcoming
        };
        let _ = write!(m, "<p class=\"empty\">{message}</p>");
    } else {
        m.push_str("<ul class=\"event-list\">");
        for &i in coming.iter().take(AGENDA_SHOWN) {
            m.push_str(&event_item(&events[i], lang, YearStyle::Gregorian, None));
        }
        m.push_str("</ul>");
        if coming.len() > AGENDA_SHOWN {
            let _ = write!(m, "<p class=\"hint\">{}</p>", t.more_shown);
        }
    }
    m.push_str("</div></div>");
    let description = match lang {
        Lang::Ja => format!(
            "{}の協働のまちづくりのこれからの予定（{}件）。",
            city.place_ja,
            coming.len()
        ),
        Lang::En => format!(
            "What is on in {}'s civic partnership ({} upcoming).",
            city.place_en,
            coming.len()
        ),
    };
    Rendered {
        head: Head {
            title: title(t.agenda_title, lang),
            description,
            og_type: "website",
        },
        main: m,
        not_found: false,
    }
}

fn weekday_class(d: Weekday) -> &'static str {
    match d {
        Weekday::Sunday => "sun",
        Weekday::Saturday => "sat",
        _ => "",
    }
}

/// `/calendar?m=YYYY-MM`: the month grid (Sunday first; `month` is the
/// app's choice: the `m` query, else today's month) and the month's events.
pub fn calendar_page(
    events: &[Event],
    month: YearMonth,
    today: Date,
    city: &CityConfig,
    lang: Lang,
) -> Rendered {
    let t = lang.texts();
    let title_text = i18n::month_title(lang, month);
    let mut m = format!(
        "<div class=\"container page calendar-page\"><div class=\"month-nav\">\
<button type=\"button\" class=\"icon-button\" data-testid=\"prev-month\" aria-label=\"{}\">‹</button>\
<h1 data-testid=\"month-title\" aria-live=\"polite\">{}</h1>\
<button type=\"button\" class=\"icon-button\" data-testid=\"next-month\" aria-label=\"{}\">›</button>\
<button type=\"button\" class=\"today-button\" data-testid=\"today\">{}</button></div>",
        t.prev_month, title_text, t.next_month, t.today
    );
    let weeks = month_grid(month.year, month.month, WeekStart::Sunday);
    let (Some(first), Some(last)) = (weeks.first().map(|w| w[0]), weeks.last().map(|w| w[6]))
    else {
        m.push_str("</div>");
        return Rendered {
            head: Head {
                title: title(&title_text, lang),
                description: String::new(),
                og_type: "website",
            },
            main: m,
            not_found: false,
        };
    };
    let on_grid: Vec<Event> = events
        .iter()
        .filter(|e| e.first_day() <= last && e.last_day() >= first)
        .cloned()
        .collect();
    let counts = events_per_cell(&weeks, &on_grid);
    m.push_str("<div class=\"month-grid\" data-testid=\"month-grid\"><div class=\"weekdays\" aria-hidden=\"true\">");
    for d in WeekStart::Sunday.weekdays() {
        let _ = write!(
            m,
            "<span class=\"weekday {}\">{}</span>",
            weekday_class(d),
            i18n::weekday_label(lang, d)
        );
    }
    m.push_str("</div><div class=\"days\">");
    for (i, date) in weeks.iter().flatten().enumerate() {
        let class = format!("day {}", weekday_class(date.weekday()));
        if date.year_month() != month {
            let _ = write!(
                m,
                "<span class=\"{class} outside\" aria-hidden=\"true\">{}</span>",
                date.day()
            );
            continue;
        }
        let n = counts[i];
        let is_today = *date == today;
        let _ = write!(
            m,
            "<button type=\"button\" class=\"{class}{}\" data-testid=\"day\" data-date=\"{date}\"{} aria-label=\"{}\"{} aria-pressed=\"false\"><span class=\"num\">{}</span>{}</button>",
            if is_today { " today" } else { "" },
            if n > 0 {
                " data-has-events=\"true\""
            } else {
                ""
            },
            escape(&i18n::day_label(lang, *date, n)),
            if is_today {
                " aria-current=\"date\""
            } else {
                ""
            },
            date.day(),
            if n > 0 {
                "<span class=\"dot\" aria-hidden=\"true\"></span>"
            } else {
                ""
            },
        );
    }
    m.push_str("</div></div>");
    // The month's events, day by day: readable without the grid's buttons.
    let month_days: Vec<Date> = weeks
        .iter()
        .flatten()
        .copied()
        .filter(|d| d.year_month() == month)
        .collect();
    let mut listed = 0;
    let mut list = String::new();
    let mut more = false;
    for day in &month_days {
        let found = events_on(*day, &on_grid);
        if found.is_empty() {
            continue;
        }
        if listed >= MONTH_LISTED {
            more = true;
            break;
        }
        let _ = write!(
            list,
            "<h2>{}</h2><ul class=\"event-list\">",
            escape(&i18n::long_date(lang, *day))
        );
        for i in found {
            list.push_str(&event_item(&on_grid[i], lang, YearStyle::Omit, None));
            listed += 1;
        }
        list.push_str("</ul>");
    }
    if more {
        let _ = write!(list, "<p class=\"hint\">{}</p>", t.more_shown);
    }
    if listed == 0 {
        let message = if events.is_empty() {
            t.loading
        } else {
            t.empty_month
        };
        let _ = write!(
            m,
            "<div class=\"empty\" data-testid=\"empty-month\"><p>{message}</p>"
        );
        if let Some(n) = nearest_month_with_events(month.year, month.month, events) {
            let _ = write!(
                m,
                "<a class=\"button\" data-testid=\"nearest-month\" href=\"/calendar?m={:04}-{:02}\">{}: {}</a>",
                n.year,
                n.month,
                t.nearest_month,
                i18n::month_title(lang, n)
            );
        }
        m.push_str("</div>");
    } else {
        let _ = write!(
            m,
            "<p class=\"hint\">{}</p><section class=\"month-events\">{list}</section>",
            t.pick_day
        );
    }
    m.push_str("</div>");
    let in_month = match (month.first_day(), month.last_day()) {
        (Some(a), Some(b)) => on_grid
            .iter()
            .filter(|e| e.first_day() <= b && e.last_day() >= a)
            .count(),
        _ => listed,
    };
    let description = match lang {
        Lang::Ja => format!(
            "{title_text}の予定（{in_month}件）。{}の協働のまちづくり。",
            city.place_ja
        ),
        Lang::En => {
            format!(
                "What is on in {title_text} ({in_month} events). {} civic partnership.",
                city.place_en
            )
        }
    };
    Rendered {
        head: Head {
            title: title(&title_text, lang),
            description,
            og_type: "website",
        },
        main: m,
        not_found: false,
    }
}

/// The friendly dead end (the app's `NotFound`; `group`: a group's address).
pub fn not_found_page(lang: Lang, what: NotFound) -> Rendered {
    let t = lang.texts();
    let (message, back, back_text) = match what {
        NotFound::Group => (t.group_not_found, "/groups", t.back_to_list),
        NotFound::Event => (t.event_not_found, "/events", t.back_to_agenda),
        NotFound::Page => (t.page_not_found, "/groups", t.back_to_list),
    };
    Rendered {
        head: Head {
            title: title(t.not_found_title, lang),
            description: message.to_string(),
            og_type: "website",
        },
        main: format!(
            "<div class=\"container page\"><h1>{}</h1><p>{message}</p><p><a class=\"button\" href=\"{back}\">{back_text}</a></p></div>",
            t.not_found_title
        ),
        not_found: true,
    }
}

/// What a not-found page was looking for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotFound {
    Group,
    Event,
    Page,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }

    #[test]
    fn uri_components_are_encoded_as_javascript_does() {
        assert_eq!(
            encode_uri_component("木倉町 広場&x=(1)"),
            "%E6%9C%A8%E5%80%89%E7%94%BA%20%E5%BA%83%E5%A0%B4%26x%3D(1)"
        );
    }

    fn hostile_group() -> Group {
        Group {
            id: "a b\"<x>".into(),
            name: "<script>alert(1)</script>".into(),
            reading: Some("<i>よみ</i>".into()),
            kind: GroupKind::Civic,
            description: "\"quoted\" & <b>bold</b>\n二行目".into(),
            activities: vec!["<u>清掃</u>".into()],
            registrations: Vec::new(),
            programs: Vec::new(),
            contacts: vec![
                "javascript:alert(1)".into(),
                "https://x.example/?a=1&b=\"2\"".into(),
            ],
            body_reading: String::new(),
        }
    }

    #[test]
    fn a_groups_words_are_text_in_its_card_and_page() {
        let g = hostile_group();
        let card = group_card(&g, Lang::Ja);
        assert_eq!(
            card,
            "<li><a class=\"group-card\" data-testid=\"group-link\" href=\"/groups/a%20b%22%3Cx%3E\">\
<span class=\"group-name\">&lt;script&gt;alert(1)&lt;/script&gt;</span>\
<small class=\"reading\">&lt;i&gt;よみ&lt;/i&gt;</small><span class=\"badge\">市民活動団体</span>\
<span class=\"summary\">&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;</span></a></li>"
        );
        let city =
            crate::city::CityConfig::parse(include_str!("../../data/city.json")).expect("city");
        let page = group_page(&g, &[], &[], &city, Lang::Ja, None);
        for raw in ["<script>", "<b>", "<u>", "<i>", "href=\"javascript:"] {
            assert!(!page.main.contains(raw), "{raw} in {}", page.main);
        }
        assert!(page.main.contains("<li>&lt;u&gt;清掃&lt;/u&gt;</li>"));
        assert!(
            page.main.contains("<span>javascript:alert(1)</span>"),
            "a link only for http(s)"
        );
        assert!(
            page.main
                .contains("href=\"https://x.example/?a=1&amp;b=&quot;2&quot;\"")
        );
        assert_eq!(
            page.head.title, "<script>alert(1)</script> | つながり",
            "escaped by the page's <head>"
        );
    }

    #[test]
    fn titles_name_the_page_then_the_app() {
        assert_eq!(title("ぽれぽれ", Lang::Ja), "ぽれぽれ | つながり");
        assert_eq!(title("", Lang::En), "Tsunagari");
    }

    #[test]
    fn descriptions_take_the_first_line() {
        assert_eq!(summary("\n  一行目です。\n二行目", 100), "一行目です。");
        assert_eq!(summary("あいうえお", 3), "あいう…");
    }
}
