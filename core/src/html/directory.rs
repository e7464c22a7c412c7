//! The directory (`/groups`) and the home page (`/`).

use super::{
    GROUPS_SHOWN, Head, Rendered, escape, event_item, ja, nothing_upcoming, path_segment, rel_attr,
    title, when,
};
use crate::calendar::upcoming;
use crate::city::CityConfig;
use crate::i18n::{self, Lang, Texts};
use crate::search::SearchIndex;
use crate::{Date, Event, Group, GroupKind, YearStyle};
use std::fmt::Write as _;

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
