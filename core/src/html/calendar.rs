//! The agenda (`/events`) and the calendar (`/calendar`).

use super::{
    AGENDA_SHOWN, Head, MONTH_LISTED, Rendered, escape, event_item, nothing_upcoming,
    nothing_upcoming_note, subscribe_link, title,
};
use crate::calendar::{
    events_on, events_per_cell, month_grid, nearest_month_with_events, past, upcoming,
};
use crate::city::CityConfig;
use crate::i18n::{self, Lang};
use crate::sort::sort_by;
use crate::{Date, Event, WeekStart, Weekday, YearMonth, YearStyle};
use std::fmt::Write as _;

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
        t.prev_month,
        i18n::month_title_html(lang, month),
        t.next_month,
        t.today
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
