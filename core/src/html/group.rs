//! A group's page (`/groups/:id`).

use super::{Head, Rendered, article_head, escape, event_item, ja, subscribe_link, summary, title};
use crate::calendar::upcoming;
use crate::city::CityConfig;
use crate::contact::{linked_html, offices_for};
use crate::i18n::{self, Lang};
use crate::sort::sort_by;
use crate::{CityContact, Date, Event, Group, YearStyle};
use std::fmt::Write as _;

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
    let mut m = article_head(
        lang,
        "/groups",
        t.back_to_list,
        &g.name,
        g.reading.as_deref(),
    );
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
