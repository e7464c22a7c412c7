//! The public pages' first HTML: the built page of the route's bundle
//! (`dist/index.html` or `app.html`, by the one route table,
//! `tsunagari_core::routes`) with the page's content (`tsunagari_core::html`)
//! in `<body>`, and its `<title>`, description and `og:` tags in `<head>`.
//!
//! - Public pages: `/`, `/groups`, `/groups/:id`, `/calendar`, `/events`,
//!   `/events/:id`. An unknown group or event is a 404 with a page that
//!   says so. Every other route is the plain built page (`static_files`).
//! - The language is Japanese unless the `lang=en` cookie (which the app
//!   writes when a resident switches) says English; the answer varies by
//!   `Cookie`.
//! - The content sits in `<div id="ssr">` before the app's own mount point:
//!   the app renders beside it, hidden, and swaps it in once its data is
//!   read (`app/src/takeover.rs`). No script is added (the CSP's hashes
//!   stay those of the built pages).
//! - The groups, events and city contacts are parsed once per change of the
//!   store's counter (and of the contacts file), not per request: a page
//!   costs one counter read and the rendering.

use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;
use tsunagari_core::city::CityConfig;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use sha2::{Digest as _, Sha256};
use tokio::sync::Mutex;
use tsunagari_core::html::{self, NotFound, Rendered, escape};
use tsunagari_core::i18n::{Lang, TextSize};
use tsunagari_core::routes::{self, Page};
use tsunagari_core::search::SearchIndex;
use tsunagari_core::{CityContact, Date, Event, Group, YearMonth, follows};

use crate::store::{Feed, Store};

/// The data the pages are rendered from, as of one counter value.
struct Data {
    key: (String, i64, Option<SystemTime>),
    groups: Vec<Group>,
    index: SearchIndex,
    events: Vec<Event>,
    contacts: Vec<CityContact>,
}

/// The renderer, shared by every request (its cache behind a lock).
pub struct Pages {
    store: Store,
    city_contacts: std::path::PathBuf,
    city: Arc<CityConfig>,
    cache: Mutex<Option<Arc<Data>>>,
}

impl std::fmt::Debug for Pages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages").finish_non_exhaustive()
    }
}

fn parse_all<T: serde::de::DeserializeOwned>(feed: &str, rows: Vec<(String, String)>) -> Vec<T> {
    rows.into_iter()
        .filter_map(|(id, body)| match serde_json::from_str(&body) {
            Ok(item) => Some(item),
            Err(e) => {
                tracing::warn!("{feed} {id} is unreadable, left out of the page: {e}");
                None
            }
        })
        .collect()
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

impl Pages {
    pub fn new(store: Store, city_contacts: std::path::PathBuf, city: Arc<CityConfig>) -> Pages {
        Pages {
            store,
            city_contacts,
            city,
            cache: Mutex::new(None),
        }
    }

    /// The data as of now: the cached copy while the counter (and the
    /// contacts file) did not move.
    async fn data(&self) -> anyhow::Result<Arc<Data>> {
        let key = (
            self.store.epoch().to_string(),
            self.store.change_counter().await?,
            modified(&self.city_contacts),
        );
        let mut cache = self.cache.lock().await;
        if let Some(data) = cache.as_ref()
            && data.key == key
        {
            return Ok(Arc::clone(data));
        }
        let groups: Vec<Group> = parse_all("group", self.store.snapshot(Feed::Groups).await?.rows);
        let events: Vec<Event> = parse_all("event", self.store.snapshot(Feed::Events).await?.rows);
        let contacts = match std::fs::read(&self.city_contacts) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!("{} is unreadable: {e}", self.city_contacts.display());
                Vec::new()
            }),
            Err(_) => Vec::new(),
        };
        let data = Arc::new(Data {
            key,
            index: SearchIndex::new(&groups),
            groups,
            events,
            contacts,
        });
        *cache = Some(Arc::clone(&data));
        Ok(data)
    }

    /// The answer for a public page's GET, or `None` for any other path
    /// (or when `dist` has no page to fill).
    pub async fn answer(
        &self,
        dist: &Path,
        path: &str,
        query: Option<&str>,
        headers: &HeaderMap,
    ) -> Option<Response> {
        let page = Page::from_path(path);
        if !page.is_public() {
            return None;
        }
        let file = crate::static_files::page_for(dist, path);
        let template = std::fs::read_to_string(&file).ok()?;
        let lang = lang_of(headers);
        let data = match self.data().await {
            Ok(data) => data,
            Err(e) => {
                tracing::error!("reading the data for {path}: {e:#}");
                return None;
            }
        };
        let follows = follows_of(headers);
        let rendered = render(&page, query, &data, &self.city, lang, today_jst(), &follows);
        let url = page_url(headers, path, query);
        let size = text_size_of(headers);
        let html = fill(&template, &rendered, &self.city, (lang, size), &url, &page);
        let status = if rendered.not_found {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::OK
        };
        // A validator of what was sent: a reload (or the service worker's
        // revalidation) of an unchanged page is a 304.
        let etag = format!(
            "\"{}\"",
            &STANDARD_NO_PAD.encode(Sha256::digest(html.as_bytes()))[..22]
        );
        let fresh = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
        let mut res = if fresh && status == StatusCode::OK {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            (status, html).into_response()
        };
        if let Ok(etag) = HeaderValue::from_str(&etag) {
            res.headers_mut().insert(header::ETAG, etag);
        }
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(crate::static_files::HTML),
        );
        res.headers_mut()
            .insert(header::VARY, HeaderValue::from_static("Cookie"));
        Some(res)
    }
}

/// The value of the cookie `name` in the `Cookie` header.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| k.trim() == name)
        .map(|(_, v)| v.trim())
}

/// `lang=en` in the `Cookie` header: English; else Japanese.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    match cookie(headers, "lang") {
        Some("en") => Lang::En,
        _ => Lang::Ja,
    }
}

/// The `text_size` cookie the app writes with the 文字サイズ choice
/// (`large`, `xlarge`), so the first HTML has the chosen size; else standard.
pub fn text_size_of(headers: &HeaderMap) -> TextSize {
    cookie(headers, "text_size").map_or(TextSize::Standard, TextSize::from_code)
}

/// The `follows` cookie (the app mirrors its お気に入り there): the
/// followed groups' ids.
pub fn follows_of(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| k.trim() == follows::COOKIE)
        .map(|(_, v)| follows::parse_cookie_value(v))
        .unwrap_or_default()
}

/// `past=1` in a query string: the agenda shows the past events too.
fn shows_past(query: Option<&str>) -> bool {
    query.is_some_and(|q| q.split('&').any(|kv| kv == "past=1"))
}

/// Today in Japan (UTC+9, no daylight saving).
fn today_jst() -> Date {
    let millis = crate::clock::Millis::now().map_or(0, |m| m.0);
    let days = (millis + 9 * 3_600_000).div_euclid(86_400_000);
    Date::from_epoch_days(days).unwrap_or_else(|| Date::new(2000, 1, 1).expect("a valid date"))
}

/// The page's address for `og:url`: the `Host` the client asked, the
/// scheme a proxy names in `X-Forwarded-Proto` (else `http`).
fn page_url(headers: &HeaderMap, path: &str, query: Option<&str>) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|s| matches!(*s, "http" | "https"))
        .unwrap_or("http");
    match query {
        Some(q) if !q.is_empty() => format!("{scheme}://{host}{path}?{q}"),
        _ => format!("{scheme}://{host}{path}"),
    }
}

/// `m=2021-10` from a query string.
fn month_of(query: Option<&str>) -> Option<YearMonth> {
    let m = query?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "m")?
        .1;
    let (y, mo) = m.split_once('-')?;
    YearMonth::new(y.parse().ok()?, mo.parse().ok()?).ok()
}

fn render(
    page: &Page,
    query: Option<&str>,
    data: &Data,
    city: &CityConfig,
    lang: Lang,
    today: Date,
    follows: &[String],
) -> Rendered {
    // Links to the full app's pages leave the bundle that runs `page`.
    let event_rel = (routes::bundle_for(&page.path()) != routes::bundle_for("/events/:id"))
        .then_some("external");
    match page {
        Page::Home => html::home_page(
            &data.groups,
            &data.index,
            &data.events,
            city,
            lang,
            html::HomeViewer { today, follows },
            event_rel,
        ),
        Page::Groups => html::groups_page(&data.groups, &data.index, city, lang),
        Page::Group(id) => match data.groups.iter().find(|g| &g.id == id) {
            Some(g) => {
                let viewer = html::Viewer {
                    today,
                    followed: follows.contains(&g.id),
                };
                html::group_page(
                    g,
                    &data.events,
                    &data.contacts,
                    city,
                    lang,
                    event_rel,
                    viewer,
                )
            }
            None => html::not_found_page(lang, NotFound::Group),
        },
        Page::Calendar => {
            let month = month_of(query).unwrap_or_else(|| today.year_month());
            html::calendar_page(&data.events, month, today, city, lang)
        }
        Page::Agenda => html::agenda_page(&data.events, today, city, lang, shows_past(query)),
        Page::Event(id) => match data.events.iter().find(|e| &e.id == id) {
            Some(e) => {
                let organiser = e
                    .organiser_group_id
                    .as_ref()
                    .and_then(|gid| data.groups.iter().find(|g| &g.id == gid))
                    .map(|g| g.name.as_str());
                html::event_page(e, organiser, lang, today)
            }
            None => html::not_found_page(lang, NotFound::Event),
        },
        _ => html::not_found_page(lang, NotFound::Page),
    }
}

/// The built page with the rendered content and head. The page is trunk's
/// (one `<title>`, one description, `<body>`); what is missing is added.
/// `prefs`: the language and the text size, from the cookies.
pub fn fill(
    template: &str,
    rendered: &Rendered,
    city: &CityConfig,
    prefs: (Lang, TextSize),
    url: &str,
    page: &Page,
) -> String {
    let (lang, size) = prefs;
    let head = &rendered.head;
    let mut meta = format!(
        "<meta name=\"description\" content=\"{desc}\" />\
<meta property=\"og:title\" content=\"{title}\" />\
<meta property=\"og:description\" content=\"{desc}\" />\
<meta property=\"og:type\" content=\"{og_type}\" />\
<meta property=\"og:url\" content=\"{url}\" />\
<meta property=\"og:site_name\" content=\"{site}\" />\
<meta property=\"og:locale\" content=\"{locale}\" />",
        desc = escape(&head.description),
        title = escape(&head.title),
        og_type = head.og_type,
        url = escape(url),
        site = lang.texts().app_name,
        locale = if lang == Lang::En { "en_GB" } else { "ja_JP" },
    );
    meta.insert_str(0, &format!("<title>{}</title>", escape(&head.title)));
    let mut out = template.to_string();
    out = remove_element(&out, "<title>", "</title>");
    out = remove_tag(&out, "<meta name=\"description\"");
    out = out.replacen(
        "<html lang=\"ja\">",
        &if size == TextSize::Standard {
            format!("<html lang=\"{}\">", lang.code())
        } else {
            format!(
                "<html lang=\"{}\" data-text-size=\"{}\">",
                lang.code(),
                size.code()
            )
        },
        1,
    );
    if let Some(at) = out
        .find("<meta charset=\"utf-8\" />")
        .map(|i| i + "<meta charset=\"utf-8\" />".len())
    {
        out.insert_str(at, &meta);
    } else if let Some(at) = out.find("</head>") {
        out.insert_str(at, &meta);
    }
    // The server's content, in place of the note for browsers without
    // JavaScript (the content is readable without it).
    out = remove_element(&out, "<noscript>", "</noscript>");
    let body = format!(
        "<div id=\"ssr\" data-page=\"{}\" data-bundle=\"{}\">{}{}{}</div>",
        escape(&page.path()),
        routes::bundle_for(&page.path()).file(),
        html::chrome_start(lang, size, city),
        rendered.main,
        html::CHROME_END
    );
    if let Some(at) = out.find("<body>").map(|i| i + "<body>".len()) {
        out.insert_str(at, &body);
    } else {
        out.push_str(&body);
    }
    out
}

/// `template` without its first `open…close` (both included).
fn remove_element(template: &str, open: &str, close: &str) -> String {
    match template.find(open) {
        Some(start) => match template[start..].find(close) {
            Some(len) => {
                let end = start + len + close.len();
                format!("{}{}", &template[..start], &template[end..])
            }
            None => template.to_string(),
        },
        None => template.to_string(),
    }
}

/// `template` without its first tag that starts with `open` (up to `>`).
fn remove_tag(template: &str, open: &str) -> String {
    remove_element(template, open, ">")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_chooses_english() {
        let mut h = HeaderMap::new();
        assert_eq!(lang_of(&h), Lang::Ja);
        h.insert(header::COOKIE, HeaderValue::from_static("a=b; lang=en"));
        assert_eq!(lang_of(&h), Lang::En);
        h.insert(header::COOKIE, HeaderValue::from_static("lang=ja"));
        assert_eq!(lang_of(&h), Lang::Ja);
    }

    #[test]
    fn the_cookie_chooses_the_text_size() {
        let mut h = HeaderMap::new();
        assert_eq!(text_size_of(&h), TextSize::Standard);
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("lang=en; text_size=large"),
        );
        assert_eq!(text_size_of(&h), TextSize::Large);
        h.insert(header::COOKIE, HeaderValue::from_static("text_size=huge"));
        assert_eq!(text_size_of(&h), TextSize::Standard);
    }

    #[test]
    fn months_from_the_query() {
        assert_eq!(month_of(Some("m=2021-10")), YearMonth::new(2021, 10).ok());
        assert_eq!(month_of(Some("x=1&m=2021-13")), None);
        assert_eq!(month_of(None), None);
    }

    #[test]
    fn the_page_keeps_its_scripts_and_gains_the_content() {
        let template = "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\" />\
<title>old</title><meta name=\"description\" content=\"old\" />\
<script type=\"module\">init()</script></head><body><noscript>x</noscript></body></html>";
        let rendered = Rendered {
            head: html::Head {
                title: "<b> | つながり".into(),
                description: "d".into(),
                og_type: "article",
            },
            main: "<p>content</p>".into(),
            not_found: false,
        };
        let city = CityConfig::parse(include_str!("../../data/city.json")).expect("city");
        let out = fill(
            template,
            &rendered,
            &city,
            (Lang::En, TextSize::Standard),
            "http://h/events/e",
            &Page::Event("e".into()),
        );
        assert!(out.contains("<html lang=\"en\">"));
        let large = fill(
            template,
            &rendered,
            &city,
            (Lang::Ja, TextSize::ExtraLarge),
            "http://h/events/e",
            &Page::Event("e".into()),
        );
        assert!(large.contains("<html lang=\"ja\" data-text-size=\"xlarge\">"));
        assert!(large.contains("<option value=\"xlarge\" selected>特大</option>"));
        assert!(out.contains("<title>&lt;b&gt; | つながり</title>"));
        assert!(!out.contains("old"), "{out}");
        assert!(out.contains("<script type=\"module\">init()</script>"));
        assert!(out.contains("<meta property=\"og:type\" content=\"article\" />"));
        assert!(out.contains("<p>content</p></main></div></body>"), "{out}");
        assert!(!out.contains("noscript"));
    }
}
