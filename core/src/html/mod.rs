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
//!
//! One module a page (re-exported here): `directory` (and the home
//! page), `group`, `event`, `calendar` (and the agenda); this one
//! holds what they share: escaping, the header around every page, not found.

use crate::city::CityConfig;
use crate::i18n::{Lang, TextSize};
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

mod calendar;
mod directory;
mod event;
mod group;
#[cfg(test)]
mod tests;

pub use calendar::*;
pub use directory::*;
pub use event::*;
pub use group::*;

/// An article's head: the link back (`href`, `back`), the title in `<h1>`
/// and its reading, when there is one (the data's words, in Japanese).
fn article_head(lang: Lang, href: &str, back: &str, title: &str, reading: Option<&str>) -> String {
    let mut m = format!(
        "<p class=\"back\"><a href=\"{href}\">← {back}</a></p><h1{}>{}</h1>",
        ja(lang),
        escape(title)
    );
    if let Some(r) = reading {
        let _ = write!(
            m,
            "<p class=\"reading\" aria-label=\"{}\"{}>{}</p>",
            lang.texts().reading,
            ja(lang),
            escape(r)
        );
    }
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
