//! An event: in a list, and its page (`/events/:id`).

use super::{Head, Rendered, article_head, encode_uri_component, escape, fact, ja, summary, title};
use crate::calendar::{format_range_en, format_range_ja};
use crate::contact::linked_html;
use crate::i18n::{self, Lang, Texts};
use crate::{Date, Event, YearStyle};
use std::fmt::Write as _;

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

pub(super) fn rel_attr(rel: Option<&str>) -> String {
    rel.map(|r| format!(" rel=\"{r}\"")).unwrap_or_default()
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
    let mut m = article_head(
        lang,
        "/calendar",
        t.back_to_calendar,
        &e.title,
        e.reading.as_deref(),
    );
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
