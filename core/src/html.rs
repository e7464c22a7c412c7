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
    nearest_month_with_events, past, upcoming,
};
use crate::city::CityConfig;
use crate::contact::{linked_html, offices_for};
use crate::i18n::{self, Lang, TextSize, Texts};
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

/// ` lang="ja"` for an element holding the data's Japanese words (a group's
/// name, an event's title) on an English page, so a screen reader reads
/// them in Japanese; nothing on a Japanese page.
pub fn ja(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "",
        Lang::En => " lang=\"ja\"",
    }
}

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

/// The header's 文字サイズ choice (the app's `TextSizeChoice`): a labelled
/// `<select>` with `size` chosen.
pub fn text_size_choice(lang: Lang, size: TextSize) -> String {
    let mut out = format!(
        "<label class=\"text-size\"><span class=\"text-size-label\">{}</span><select data-testid=\"text-size\">",
        lang.texts().text_size
    );
    for s in TextSize::ALL {
        let _ = write!(
            out,
            "<option value=\"{}\"{}>{}</option>",
            s.code(),
            if s == size { " selected" } else { "" },
            s.label(lang)
        );
    }
    out.push_str("</select></label>");
    out
}

/// The header, the status line's place and the opening of `<main>`: what
/// the app's `App` draws around a page before its data is read.
pub fn chrome_start(lang: Lang, size: TextSize, city: &CityConfig) -> String {
    let t = lang.texts();
    let other = lang.other();
    format!(
        "<a class=\"skip-link\" href=\"#main\" rel=\"external\">{skip}</a>\
<header class=\"site-header\"><div class=\"container header-row\">\
<a class=\"brand\" href=\"/\"><span class=\"brand-name\">{app}</span><span class=\"brand-tagline\">{tagline}</span></a>\
<div class=\"header-tools\">{size_choice}\
<button type=\"button\" class=\"lang-switch\" data-testid=\"lang-switch\" lang=\"{other}\" aria-label=\"{switch_label}\">{switch}</button>\
</div></div><nav class=\"container\" aria-label=\"{nav}\">\
<a href=\"/groups\">{groups}</a><a href=\"/calendar\">{calendar}</a><a href=\"/events\">{events}</a><a href=\"/drafts\">{drafts}</a>\
</nav></header>\
<section class=\"status-bar\" aria-label=\"{status_label}\"><div class=\"container status-row\">\
<p class=\"status\" data-testid=\"net-status\" aria-live=\"polite\" title=\"{online}\">{online}</p>\
<p class=\"last-updated\" data-testid=\"last-updated\" title=\"{never}\">{never}</p>\
</div></section><main id=\"main\" tabindex=\"-1\">",
        skip = t.skip_link,
        size_choice = text_size_choice(lang, size),
        status_label = t.status_label,
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
<span class=\"group-name\"{}>{}</span>",
        escape(&path_segment(&group.id)),
        ja(lang),
        escape(&group.name)
    );
    if let Some(r) = &group.reading {
        let _ = write!(
            out,
            "<small class=\"reading\"{}>{}</small>",
            ja(lang),
            escape(r)
        );
    }
    let _ = write!(
        out,
        "<span class=\"badge\">{}</span><span class=\"summary\"{}>{}</span></a></li>",
        i18n::kind_label(lang, group.kind),
        ja(lang),
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
    directory(groups, index, city, lang, lang.texts().groups_title, "")
}

/// The directory under the heading `h1`, with `between` after its filters.
fn directory(
    groups: &[Group],
    index: &SearchIndex,
    city: &CityConfig,
    lang: Lang,
    h1: &str,
    between: &str,
) -> Rendered {
    let t = lang.texts();
    let order = index.search("");
    let mut main = format!(
        "<div class=\"container page\"><h1>{h1}</h1>{}{between}<p class=\"count\" aria-live=\"polite\">{}</p>",
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

/// Upcoming events on the home page.
pub const HOME_UPCOMING: usize = 3;

/// The home page's sections between the search box and the directory: the
/// next [`HOME_UPCOMING`] events (or, with nothing coming, the way to the
/// past ones and how the city adds events), then the followed groups with
/// their next event (only when some are followed). `rel`: the links' to
/// the full app's pages (`external` from the directory shell).
pub fn home_sections(
    groups: &[Group],
    events: &[Event],
    follows: &[String],
    lang: Lang,
    today: Date,
    rel: Option<&str>,
) -> String {
    let h = lang.home();
    let mut m = format!(
        "<section aria-labelledby=\"home-upcoming\" data-testid=\"home-upcoming\"><h2 id=\"home-upcoming\">{}</h2>",
        h.upcoming_title
    );
    let coming = upcoming(today, events);
    if coming.is_empty() {
        if events.is_empty() {
            let _ = write!(m, "<p class=\"empty\">{}</p>", lang.texts().loading);
        } else {
            m.push_str(&nothing_upcoming(lang, rel));
        }
    } else {
        m.push_str("<ul class=\"event-list\">");
        for &i in coming.iter().take(HOME_UPCOMING) {
            m.push_str(&event_item(
                &events[i],
                lang,
                YearStyle::Gregorian,
                rel,
                today,
            ));
        }
        let _ = write!(
            m,
            "</ul><p><a class=\"button secondary\" data-testid=\"all-upcoming\" href=\"/events\"{}>{}</a></p>",
            rel_attr(rel),
            h.all_upcoming
        );
    }
    m.push_str("</section>");
    let followed: Vec<&Group> = follows
        .iter()
        .filter_map(|id| groups.iter().find(|g| &g.id == id))
        .collect();
    if !followed.is_empty() {
        let _ = write!(
            m,
            "<section aria-labelledby=\"home-followed\" data-testid=\"home-followed\"><h2 id=\"home-followed\">{}</h2><ul class=\"group-list\">",
            h.followed_title
        );
        for g in followed {
            let next = match crate::follows::next_event_of(&g.id, today, events) {
                Some(i) => format!(
                    "{}: {} {}",
                    h.next_event,
                    when(lang, &events[i], YearStyle::Gregorian),
                    events[i].title
                ),
                None => h.no_next_event.to_string(),
            };
            let _ = write!(
                m,
                "<li><a class=\"group-card\" data-testid=\"followed-group\" href=\"/groups/{}\">\
<span class=\"group-name\">{}</span><span class=\"summary next-event\">{}</span></a></li>",
                escape(&path_segment(&g.id)),
                escape(&g.name),
                escape(&next)
            );
        }
        m.push_str("</ul></section>");
    }
    m
}

/// Who opens the home page: today (what is still to come) and the groups
/// this device follows (from the `follows` cookie).
#[derive(Debug, Clone, Copy)]
pub struct HomeViewer<'a> {
    pub today: Date,
    pub follows: &'a [String],
}

/// `/`: the home page: the search box, [`home_sections`], then the
/// directory as `/groups` lists it.
pub fn home_page(
    groups: &[Group],
    index: &SearchIndex,
    events: &[Event],
    city: &CityConfig,
    lang: Lang,
    viewer: HomeViewer<'_>,
    rel: Option<&str>,
) -> Rendered {
    let HomeViewer { today, follows } = viewer;
    let h = lang.home();
    let sections = format!(
        "<div class=\"home-sections\">{}</div><h2 class=\"directory-title\">{}</h2>",
        home_sections(groups, events, follows, lang, today, rel),
        h.directory_title
    );
    let mut page = directory(groups, index, city, lang, h.home_title, &sections);
    page.head.title = title("", lang);
    page
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
/// An event over by `today` says so (終了しました) beside its category.
pub fn event_item(
    event: &Event,
    lang: Lang,
    year: YearStyle,
    rel: Option<&str>,
    today: Date,
) -> String {
    let mut out = format!(
        "<li><a class=\"event-card\" data-testid=\"event-link\" href=\"{}\"",
        escape(&crate::routes::Page::Event(event.id.clone()).path())
    );
    if let Some(rel) = rel {
        let _ = write!(out, " rel=\"{rel}\"");
    }
    let _ = write!(
        out,
        "><span class=\"event-when\">{}</span><span class=\"event-title\"{}>{}</span>",
        escape(&when(lang, event, year)),
        ja(lang),
        escape(&event.title)
    );
    if !event.place.is_empty() {
        let _ = write!(
            out,
            "<span class=\"event-place\"{}>{}</span>",
            ja(lang),
            escape(&event.place)
        );
    }
    let _ = write!(
        out,
        "<span class=\"badge cat-{}\">{}</span>",
        event.category.code(),
        i18n::category_label(lang, event.category)
    );
    if event.has_ended(today) {
        out.push_str(&ended_badge(lang));
    }
    out.push_str("</a></li>");
    out
}

/// 終了しました, as a badge in a list (the app's `event_ui::event_item`
/// draws the same).
pub fn ended_badge(lang: Lang) -> String {
    format!(
        "<span class=\"badge ended\" data-testid=\"event-ended\">{}</span>",
        lang.home().event_ended
    )
}

/// 購読: a link to the iCalendar feed (one group's with `group`), and what
/// subscribing does, in plain words.
pub fn subscribe_link(lang: Lang, group: Option<&str>) -> String {
    let h = lang.home();
    let (href, label) = match group {
        Some(id) => (
            format!("/calendar.ics?group={}", encode_uri_component(id)),
            h.subscribe_group,
        ),
        None => ("/calendar.ics".to_string(), h.subscribe),
    };
    format!(
        "<div class=\"subscribe\" data-testid=\"subscribe\"><a class=\"button secondary\" href=\"{}\" rel=\"external\" type=\"text/calendar\">{label}</a><p class=\"hint\">{}</p></div>",
        escape(&href),
        h.subscribe_hint
    )
}

/// The calendar's empty month when nothing at all is planned: the plain
/// sentence and how the city adds events (its nearest-month button leads
/// to the past ones).
pub fn nothing_upcoming_note(lang: Lang) -> String {
    let h = lang.home();
    format!(
        "<p data-testid=\"nothing-upcoming\">{}</p><p class=\"hint\">{}</p>",
        h.nothing_upcoming, h.how_events_added
    )
}

/// Nothing is planned: said plainly, with the way to the past events and
/// how the city adds events (its open-data イベント一覧 import).
/// `rel`: the link's (`external` from the directory shell).
pub fn nothing_upcoming(lang: Lang, rel: Option<&str>) -> String {
    let h = lang.home();
    format!(
        "<div class=\"empty nothing-upcoming\" data-testid=\"nothing-upcoming\"><p>{}</p>\
<p><a class=\"button secondary\" data-testid=\"see-past\" href=\"/events?past=1\"{}>{}</a></p>\
<p class=\"hint\">{}</p></div>",
        h.nothing_upcoming,
        rel_attr(rel),
        h.see_past,
        h.how_events_added
    )
}

fn rel_attr(rel: Option<&str>) -> String {
    rel.map(|r| format!(" rel=\"{r}\"")).unwrap_or_default()
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
    viewer: Viewer,
) -> Rendered {
    let g = group;
    let main = format!(
        "<article class=\"container page detail\">{}</article>",
        group_article(g, events, contacts, city, lang, event_rel, viewer)
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
    viewer: Viewer,
) -> String {
    let t = lang.texts();
    let g = group;
    let mut m = String::new();
    let _ = write!(
        m,
        "<p class=\"back\"><a href=\"/groups\">← {}</a></p><h1{}>{}</h1>",
        t.back_to_list,
        ja(lang),
        escape(&g.name)
    );
    if let Some(r) = &g.reading {
        let _ = write!(
            m,
            "<p class=\"reading\" aria-label=\"{}\"{}>{}</p>",
            t.reading,
            ja(lang),
            escape(r)
        );
    }
    let _ = write!(
        m,
        "<p class=\"badges\"><span class=\"visually-hidden\">{}: </span><span class=\"badge\">{}</span></p>",
        t.kind,
        i18n::kind_label(lang, g.kind)
    );
    m.push_str(&follow_button(lang, viewer.followed));
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
        let _ = write!(m, "<p{}>{}</p>", ja(lang), linked_html(line));
    }
    if !g.activities.is_empty() {
        let _ = write!(m, "<h3>{}</h3><ul class=\"plain-list\">", t.activities);
        for a in &g.activities {
            let _ = write!(m, "<li{}>{}</li>", ja(lang), escape(a));
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
            m.push_str(&event_item(
                &mine[i],
                lang,
                YearStyle::Gregorian,
                event_rel,
                viewer.today,
            ));
        }
        m.push_str("</ul>");
        m.push_str(&subscribe_link(lang, Some(&g.id)));
        m.push_str("</section>");
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
                "<tr><td data-label=\"{}\">{}</td><td data-label=\"{}\">{}</td><td data-label=\"{}\"{}>{}</td><td data-label=\"{}\"{}>{}</td></tr>",
                t.fiscal_year,
                i18n::fiscal_year(lang, p.fiscal_year),
                t.division,
                escape(&city.division_label(lang, &p.division)),
                t.program_title,
                ja(lang),
                escape(&p.title),
                t.department,
                ja(lang),
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
            let _ = write!(m, "<li{}>{}</li>", ja(lang), linked_html(c));
        }
        m.push_str("</ul></section>");
    }
    let offices = offices_for(g, contacts);
    if !offices.is_empty() {
        m.push_str(&city_contacts(&offices, lang));
    }
    m
}

/// Who looks at a page, for what differs by person and day: today (an
/// event before it has ended) and whether this device follows the group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub today: Date,
    pub followed: bool,
}

/// お気に入り: a toggle (`aria-pressed`), its state kept on the device.
pub fn follow_button(lang: Lang, followed: bool) -> String {
    let h = lang.home();
    format!(
        "<p class=\"follow\"><button type=\"button\" class=\"button secondary follow-button\" data-testid=\"follow\" aria-pressed=\"{followed}\" aria-describedby=\"follow-hint\">\
<span class=\"star\" aria-hidden=\"true\">{}</span> {}</button>\
<small class=\"hint\" id=\"follow-hint\">{}</small></p>",
        if followed { "★" } else { "☆" },
        h.follow,
        h.follow_hint
    )
}

/// The city's offices a page names (for a group, [`offices_for`] chooses
/// them), each with its phone and e-mail as links.
pub fn city_contacts(contacts: &[&CityContact], lang: Lang) -> String {
    let t = lang.texts();
    let mut m = format!(
        "<section aria-labelledby=\"city-contacts\"><h2 id=\"city-contacts\">{}</h2><ul class=\"contact-list\">",
        t.city_contacts
    );
    for c in contacts {
        let name = match (lang, &c.name_en) {
            (Lang::En, Some(en)) => format!("<h3>{}</h3>", escape(en)),
            _ => format!("<h3{}>{}</h3>", ja(lang), escape(&c.name)),
        };
        let _ = write!(
            m,
            "<li class=\"contact-card\" data-testid=\"city-contact\">{name}<p class=\"role\"{}>{}</p><ul class=\"plain-list\">",
            ja(lang),
            escape(&c.role)
        );
        if let Some(a) = &c.address {
            let _ = write!(
                m,
                "<li>{}: <span{}>{}</span></li>",
                t.address,
                ja(lang),
                escape(a)
            );
        }
        if let Some(p) = &c.phone {
            let _ = write!(m, "<li>{}: {}</li>", t.phone, linked_html(p));
        }
        if let Some(f) = &c.fax {
            let _ = write!(m, "<li>{}: {}</li>", t.fax, escape(f));
        }
        if let Some(e) = &c.email {
            let _ = write!(m, "<li>{}: {}</li>", t.email, linked_html(e));
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
pub fn event_page(
    event: &Event,
    organiser_name: Option<&str>,
    lang: Lang,
    today: Date,
) -> Rendered {
    let e = event;
    let main = format!(
        "<article class=\"container page detail event-detail\">{}</article>",
        event_article(e, organiser_name, lang, today)
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
/// An event over by `today` says 終了しました at the top and offers no
/// calendar button.
pub fn event_article(
    event: &Event,
    organiser_name: Option<&str>,
    lang: Lang,
    today: Date,
) -> String {
    let t = lang.texts();
    let e = event;
    let mut m = format!(
        "<p class=\"back\"><a href=\"/calendar\">← {}</a></p><h1{}>{}</h1>",
        t.back_to_calendar,
        ja(lang),
        escape(&e.title)
    );
    if let Some(r) = &e.reading {
        let _ = write!(
            m,
            "<p class=\"reading\" aria-label=\"{}\"{}>{}</p>",
            t.reading,
            ja(lang),
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
    let ended = e.has_ended(today);
    if ended {
        let _ = write!(
            m,
            "<p class=\"ended-note\" data-testid=\"event-ended\">{}</p>",
            lang.home().event_ended
        );
    }
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
        "</dd><dt>{}</dt><dd data-testid=\"event-place\"{}>{}",
        t.place,
        ja(lang),
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
                "<a data-testid=\"organiser-link\" href=\"{}\"{}>{}</a>",
                escape(&crate::routes::Page::Group(id.clone()).path()),
                ja(lang),
                escape(name)
            )
        }
        None if e.organiser.is_empty() => String::new(),
        None => format!("<span{}>{}</span>", ja(lang), escape(&e.organiser)),
    };
    fact(&mut m, t.organiser, &organiser);
    m.push_str("</dl><p class=\"actions\">");
    m.push_str(&map_links(e, t));
    m.push_str("</p>");
    if !ended {
        let _ = write!(
            m,
            "<p class=\"actions\"><button type=\"button\" class=\"button\" data-testid=\"ics-download\">{}</button></p>",
            t.ics_event
        );
    }
    if !e.description.trim().is_empty() {
        let _ = write!(
            m,
            "<section aria-labelledby=\"event-about\"><h2 id=\"event-about\">{}</h2><p class=\"description\"{}>{}</p></section>",
            t.details,
            ja(lang),
            linked_html(&e.description)
        );
    }
    m.push_str("<dl class=\"facts\">");
    let data = |text: &str, html: String| {
        if text.trim().is_empty() {
            String::new()
        } else {
            format!("<span{}>{html}</span>", ja(lang))
        }
    };
    fact(&mut m, t.fee, &data(&e.fee, escape(&e.fee)));
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
    fact(
        &mut m,
        t.method,
        &data(&e.application_method, linked_html(&e.application_method)),
    );
    fact(
        &mut m,
        t.contact,
        &data(&e.contact, linked_html(&e.contact)),
    );
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

/// The event filters as the app's `EventFilters` draws them before any
/// choice: the search box, the category and the organisers that have
/// events, by name.
pub fn event_filters(events: &[Event], lang: Lang) -> String {
    let t = lang.texts();
    let mut categories = format!(
        "<option value=\"\" selected=\"\">{}</option>",
        t.category_all
    );
    for c in crate::EventCategory::ALL {
        let _ = write!(
            categories,
            "<option value=\"{}\">{}</option>",
            c.code(),
            i18n::category_label(lang, c)
        );
    }
    let mut names: Vec<&str> = events
        .iter()
        .filter(|e| !e.organiser.is_empty())
        .map(|e| e.organiser.as_str())
        .collect();
    sort_by(&mut names, Ord::cmp);
    names.dedup();
    let mut organisers = format!(
        "<option value=\"\" selected=\"\">{}</option>",
        t.organiser_all
    );
    for name in names {
        let _ = write!(
            organisers,
            "<option value=\"{0}\">{0}</option>",
            escape(name)
        );
    }
    format!(
        "<div class=\"filters event-filters\" role=\"search\">\
<div class=\"field\"><label for=\"event-search\">{}</label>\
<input id=\"event-search\" type=\"search\" autocomplete=\"off\" enterkeyhint=\"search\" placeholder=\"{}\"></div>\
<div class=\"field\"><label for=\"category-filter\">{}</label><select id=\"category-filter\">{categories}</select></div>\
<div class=\"field\"><label for=\"organiser-filter\">{}</label><select id=\"organiser-filter\">{organisers}</select></div></div>",
        t.event_search_label, t.event_search_placeholder, t.category_label, t.organiser_label
    )
}

/// `/events`: what is coming, soonest first (the app's agenda with no
/// filter set); `show_past` (`?past=1`): the past events too, the most
/// recent first. With nothing coming it says so and leads to the past
/// events; an empty list offers no `.ics`.
pub fn agenda_page(
    events: &[Event],
    today: Date,
    city: &CityConfig,
    lang: Lang,
    show_past: bool,
) -> Rendered {
    let t = lang.texts();
    let coming = upcoming(today, events);
    let gone = if show_past {
        past(today, events)
    } else {
        Vec::new()
    };
    let mut m = format!(
        "<div class=\"container page\"><h1>{}</h1>{}<p class=\"count\" aria-live=\"polite\">{}</p><div data-testid=\"agenda\">",
        t.agenda_title,
        event_filters(events, lang),
        i18n::event_count(lang, coming.len() + gone.len())
    );
    let list = |m: &mut String, hits: &[usize]| {
        m.push_str("<ul class=\"event-list\">");
        for &i in hits.iter().take(AGENDA_SHOWN) {
            m.push_str(&event_item(
                &events[i],
                lang,
                YearStyle::Gregorian,
                None,
                today,
            ));
        }
        m.push_str("</ul>");
        if hits.len() > AGENDA_SHOWN {
            let _ = write!(m, "<p class=\"hint\">{}</p>", t.more_shown);
        }
    };
    if coming.is_empty() {
        if events.is_empty() {
            let _ = write!(m, "<p class=\"empty\">{}</p>", t.loading);
        } else {
            m.push_str(&nothing_upcoming(lang, None));
        }
    } else {
        list(&mut m, &coming);
    }
    let _ = write!(
        m,
        "<p><button type=\"button\" class=\"button secondary\" data-testid=\"show-past\" aria-expanded=\"{show_past}\">{}</button></p>",
        if show_past { t.hide_past } else { t.show_past }
    );
    if show_past {
        let _ = write!(
            m,
            "<section aria-labelledby=\"past-events\"><h2 id=\"past-events\">{}</h2>",
            t.past_events
        );
        if gone.is_empty() {
            let _ = write!(m, "<p class=\"empty\">{}</p>", t.no_past);
        } else {
            list(&mut m, &gone);
        }
        m.push_str("</section>");
    }
    m.push_str("</div>");
    if !coming.is_empty() || !gone.is_empty() {
        let _ = write!(
            m,
            "<p><button type=\"button\" class=\"button\" data-testid=\"ics-list-download\">{}</button></p>",
            t.ics_list
        );
    }
    m.push_str(&subscribe_link(lang, None));
    m.push_str("</div>");
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

/// The events of `month` among `on_grid` (events touching the month's
/// grid), day by day: each day with events as an `h2` and its list, at
/// most [`MONTH_LISTED`] events, then 表示しきれない… The inside of the
/// calendar's `<section class="month-events">`, drawn by the server and by
/// the app while no day is chosen; with how many events it lists (0: the
/// month is empty, and the text too).
pub fn month_events(
    on_grid: &[Event],
    month: YearMonth,
    lang: Lang,
    today: Date,
) -> (String, usize) {
    let Some(first) = month.first_day() else {
        return (String::new(), 0);
    };
    let mut listed = 0;
    let mut list = String::new();
    let mut more = false;
    for day in
        std::iter::successors(Some(first), |d| d.next_day()).take_while(|d| d.year_month() == month)
    {
        let found = events_on(day, on_grid);
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
            escape(&i18n::long_date(lang, day))
        );
        for i in found {
            list.push_str(&event_item(&on_grid[i], lang, YearStyle::Omit, None, today));
            listed += 1;
        }
        list.push_str("</ul>");
    }
    if more {
        let _ = write!(list, "<p class=\"hint\">{}</p>", lang.texts().more_shown);
    }
    (list, listed)
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
    let (list, listed) = month_events(&on_grid, month, lang, today);
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
        if !events.is_empty() && upcoming(today, events).is_empty() {
            m.push_str(&nothing_upcoming_note(lang));
        }
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
        // The app draws the hint below an empty month too (`DayEvents`):
        // the same paragraph, so taking over paints nothing larger.
        let _ = write!(m, "</div><p class=\"hint\">{}</p>", t.pick_day);
    } else {
        let _ = write!(
            m,
            "<p class=\"hint\">{}</p><section class=\"month-events\" data-testid=\"month-events\">{list}</section>",
            t.pick_day
        );
    }
    // The filters, where the app draws them (`EventFilters`).
    m.push_str(&event_filters(events, lang));
    m.push_str(&subscribe_link(lang, None));
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
    fn kanazawa() -> CityConfig {
        CityConfig::parse(include_str!("../../data/city.json")).expect("city")
    }

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
        let viewer = Viewer {
            today: Date::new(2026, 12, 1).unwrap(),
            followed: false,
        };
        let city =
            crate::city::CityConfig::parse(include_str!("../../data/city.json")).expect("city");
        let page = group_page(&g, &[], &[], &city, Lang::Ja, None, viewer);
        for raw in ["<script>", "<b>", "<u>", "<i>", "href=\"javascript:"] {
            assert!(!page.main.contains(raw), "{raw} in {}", page.main);
        }
        assert!(page.main.contains("<li>&lt;u&gt;清掃&lt;/u&gt;</li>"));
        assert!(
            page.main.contains("<li>javascript:alert(1)</li>"),
            "a link only for http(s)"
        );
        assert!(
            page.main
                .contains("href=\"https://x.example/?a=1&amp;b=\" rel=\"external noopener\" target=\"_blank\">https:/<wbr>/<wbr>x.<wbr>example/<wbr>?a=1&amp;b=</a>&quot;2&quot;"),
            "{}",
            page.main
        );
        assert_eq!(
            page.head.title, "<script>alert(1)</script> | つながり",
            "escaped by the page's <head>"
        );
    }

    fn event_on(id: &str, date: Date, group: Option<&str>) -> Event {
        Event {
            id: id.into(),
            title: format!("{id} の集い"),
            reading: None,
            start: crate::EventDate::at(date, crate::Time::new(10, 0).unwrap()),
            end: Some(crate::EventDate::at(
                date,
                crate::Time::new(12, 30).unwrap(),
            )),
            place: "木倉町広場".into(),
            address: String::new(),
            lat: None,
            lon: None,
            organiser: String::new(),
            organiser_group_id: group.map(String::from),
            description: String::new(),
            fee: String::new(),
            capacity: None,
            application_deadline: None,
            application_method: String::new(),
            contact: String::new(),
            url: String::new(),
            category: crate::EventCategory::Other,
            body_reading: String::new(),
        }
    }

    fn day(y: u16, m: u8, d: u8) -> Date {
        Date::new(y, m, d).unwrap()
    }

    #[test]
    fn a_past_event_says_it_has_ended_and_offers_no_calendar_button() {
        let e = event_on("old", day(2021, 10, 23), None);
        let today = day(2026, 12, 1);
        for lang in [Lang::Ja, Lang::En] {
            let page = event_article(&e, None, lang, today);
            assert!(page.contains(lang.home().event_ended), "{page}");
            assert!(!page.contains("ics-download"), "{page}");
            // The times the data has, formatted by core.
            assert!(page.contains("10:00–12:30"), "{page}");
            let item = event_item(&e, lang, YearStyle::Gregorian, None, today);
            assert!(item.contains(lang.home().event_ended), "{item}");
        }
        assert!(
            event_article(&e, None, Lang::Ja, day(2021, 10, 23)).contains("ics-download"),
            "not over on its own day"
        );
        assert!(
            !event_item(&e, Lang::Ja, YearStyle::Gregorian, None, day(2021, 10, 23))
                .contains("終了しました")
        );
    }

    #[test]
    fn an_agenda_with_nothing_coming_says_so_and_offers_no_ics() {
        let events = vec![event_on("old", day(2021, 10, 23), None)];
        let today = day(2026, 12, 1);
        let page = agenda_page(&events, today, &kanazawa(), Lang::Ja, false);
        assert!(
            page.main
                .contains("いま予定されているイベントはありません。")
        );
        assert!(page.main.contains("href=\"/events?past=1\""));
        assert!(
            page.main.contains("イベント一覧"),
            "names the open-data import"
        );
        assert!(!page.main.contains("ics-list-download"), "{}", page.main);
        assert!(
            page.main.contains("href=\"/calendar.ics\""),
            "a subscribe link"
        );
        let with_past = agenda_page(&events, today, &kanazawa(), Lang::Ja, true);
        assert!(with_past.main.contains("old の集い"));
        assert!(with_past.main.contains("ics-list-download"));
        let coming = agenda_page(&events, day(2021, 10, 1), &kanazawa(), Lang::En, false);
        assert!(coming.main.contains("ics-list-download"));
        assert!(!coming.main.contains("nothing-upcoming"));
    }

    #[test]
    fn the_home_page_shows_what_is_coming_and_the_followed_groups() {
        let mut g = hostile_group();
        g.id = "porepore".into();
        g.name = "ぽれぽれ".into();
        let groups = vec![g];
        let index = SearchIndex::new(&groups);
        let today = day(2026, 12, 1);
        let events = vec![
            event_on("old", day(2021, 10, 23), Some("porepore")),
            event_on("soon", day(2026, 12, 24), Some("porepore")),
        ];
        let page = home_page(
            &groups,
            &index,
            &events,
            &kanazawa(),
            Lang::Ja,
            HomeViewer {
                today,
                follows: &[],
            },
            Some("external"),
        );
        let m = &page.main;
        let (search, upcoming, directory) = (
            m.find("id=\"group-search\"").unwrap(),
            m.find("soon の集い").unwrap(),
            m.find("data-testid=\"group-link\"").unwrap(),
        );
        assert!(search < upcoming && upcoming < directory, "{m}");
        assert!(m.contains("12月24日(木) 10:00–12:30"), "{m}");
        assert!(!m.contains("old の集い"), "past events are not coming up");
        assert!(!m.contains("home-followed"), "no follows, no section");
        let followed = home_page(
            &groups,
            &index,
            &events,
            &kanazawa(),
            Lang::Ja,
            HomeViewer {
                today,
                follows: &["porepore".to_string(), "gone".to_string()],
            },
            None,
        );
        assert!(
            followed
                .main
                .contains("<span class=\"summary next-event\">次の予定: 2026年12月24日(木) 10:00–12:30 soon の集い</span>"),
            "{}",
            followed.main
        );
        let nothing = home_page(
            &groups,
            &index,
            &events[..1],
            &kanazawa(),
            Lang::En,
            HomeViewer {
                today,
                follows: &[],
            },
            None,
        );
        assert!(nothing.main.contains("No events are planned right now."));
        assert!(nothing.main.contains("イベント一覧"));
    }

    #[test]
    fn a_group_page_has_a_follow_toggle_and_its_feed() {
        let g = hostile_group();
        let events = vec![event_on("e", day(2026, 12, 24), Some(&g.id))];
        let viewer = |followed| Viewer {
            today: day(2026, 12, 1),
            followed,
        };
        let off = group_article(&g, &events, &[], &kanazawa(), Lang::Ja, None, viewer(false));
        assert!(
            off.contains("data-testid=\"follow\" aria-pressed=\"false\""),
            "{off}"
        );
        assert!(
            off.contains("href=\"/calendar.ics?group=a%20b%22%3Cx%3E\""),
            "{off}"
        );
        let on = group_article(&g, &events, &[], &kanazawa(), Lang::En, None, viewer(true));
        assert!(on.contains("aria-pressed=\"true\""));
    }

    #[test]
    fn an_empty_month_has_the_hint_the_app_draws_below_it() {
        let month = YearMonth::new(2026, 12).unwrap();
        let today = Date::new(2026, 12, 1).unwrap();
        let page = calendar_page(&[], month, today, &kanazawa(), Lang::Ja);
        let hint = format!("<p class=\"hint\">{}</p>", Lang::Ja.texts().pick_day);
        let empty = page.main.find("data-testid=\"empty-month\"").unwrap();
        let at = page.main.find(&hint).expect("the hint");
        assert!(empty < at, "{}", page.main);
        assert_eq!(page.main.matches(&hint).count(), 1);
    }

    #[test]
    fn a_month_with_events_lists_them_after_the_hint_then_the_filters() {
        let month = YearMonth::new(2026, 12).unwrap();
        let today = Date::new(2026, 12, 1).unwrap();
        let mut events = vec![
            event_on("b", day(2026, 12, 24), None),
            event_on("a", day(2026, 12, 3), None),
            // On the grid (the last days of November), not in the month.
            event_on("nov", day(2026, 11, 30), None),
        ];
        events[0].title = "<script>x</script>".into();
        let page = calendar_page(&events, month, today, &kanazawa(), Lang::Ja);
        let m = &page.main;
        let hint = m
            .find(&format!(
                "<p class=\"hint\">{}</p>",
                Lang::Ja.texts().pick_day
            ))
            .unwrap();
        let list = m
            .find("data-testid=\"month-events\"")
            .expect("the month's events");
        let filters = m.find("id=\"event-search\"").expect("the filters");
        let subscribe = m.find("data-testid=\"subscribe\"").unwrap();
        assert!(hint < list && list < filters && filters < subscribe, "{m}");
        assert!(!m.contains("data-testid=\"empty-month\""));
        // Day by day, the 3rd first; escaped; November's day not listed.
        let (inner, listed) = month_events(&events, month, Lang::Ja, today);
        assert_eq!(listed, 2);
        assert!(m.contains(&inner));
        assert!(inner.find("a の集い").unwrap() < inner.find("&lt;script&gt;").unwrap());
        assert!(!inner.contains("nov の集い") && !inner.contains("<script>"));
        assert_eq!(
            month_events(&[], month, Lang::Ja, today),
            (String::new(), 0)
        );
    }

    #[test]
    fn a_groups_contacts_are_links_and_only_its_office_is_named() {
        let mut g = hostile_group();
        g.contacts = vec!["☎ ０７６－２２０－２０２６ ✉ info@example.jp".into()];
        let offices: Vec<CityContact> =
            serde_json::from_str(include_str!("../../data/city_contacts.json")).unwrap();
        let page = group_page(
            &g,
            &[],
            &offices,
            &kanazawa(),
            Lang::Ja,
            None,
            Viewer {
                today: Date::new(2026, 12, 1).unwrap(),
                followed: false,
            },
        );
        assert!(page.main.contains(
            "<li>☎ <a class=\"tel\" href=\"tel:0762202026\" rel=\"external\">０７６－２２０－２０２６</a> ✉ \
<a class=\"mail\" href=\"mailto:info@example.jp\" rel=\"external\">info@<wbr>example.<wbr>jp</a></li>"
        ));
        // A civic group without programmes: the support centre, one card.
        assert_eq!(page.main.matches("data-testid=\"city-contact\"").count(), 1);
        assert!(page.main.contains("金沢市市民活動サポートセンター"));
        assert!(page.main.contains("href=\"tel:0762257763\""));
        assert!(!page.main.contains("学生会議のメンバー募集"));
    }

    #[test]
    fn japanese_words_are_marked_on_english_pages() {
        let g = hostile_group();
        let en = group_page(
            &g,
            &[],
            &[],
            &kanazawa(),
            Lang::En,
            None,
            Viewer {
                today: Date::new(2026, 12, 1).unwrap(),
                followed: false,
            },
        )
        .main;
        assert!(en.contains("<h1 lang=\"ja\">&lt;script&gt;"), "{en}");
        assert!(group_card(&g, Lang::En).contains("<span class=\"group-name\" lang=\"ja\">"));
        let ja = group_page(
            &g,
            &[],
            &[],
            &kanazawa(),
            Lang::Ja,
            None,
            Viewer {
                today: Date::new(2026, 12, 1).unwrap(),
                followed: false,
            },
        )
        .main;
        assert!(!ja.contains("lang=\"ja\""), "the page is Japanese already");
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
