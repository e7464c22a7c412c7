//! The one route table: which page answers which path, and which of the
//! two built pages (bundles) runs it.
//!
//! The server picks the page file from it (and renders the public pages'
//! content, `html`), the app's router is checked against it (a test in
//! `app/src/main.rs`), and the build writes it into `public/sw.js`
//! (`cargo xtask precache`) so the service worker's offline choice is the
//! same table, not a second copy of the rule.

/// The two built pages (ARCHITECTURE.md, "Two bundles").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// `index.html`: the directory shell (the app without its `full` feature).
    Shell,
    /// `app.html`: every page.
    Full,
}

impl Bundle {
    /// The built page's file name in `dist/`.
    pub fn file(self) -> &'static str {
        match self {
            Bundle::Shell => "index.html",
            Bundle::Full => "app.html",
        }
    }
}

/// A page of the app, with what its path carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    /// `/`: the home page (search, next events, followed groups, the directory).
    Home,
    Groups,
    Group(String),
    Calendar,
    /// `/events`: upcoming and past events.
    Agenda,
    Event(String),
    SignIn,
    Drafts,
    Draft(String),
    DraftPrint(String),
    /// `/staff`: city staff review the submissions.
    Staff,
    Bench,
    BenchCalendar,
    BenchDrafts,
    NotFound,
}

/// One row of the table: a path pattern (`:id` is one segment) and the
/// bundle that runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub pattern: &'static str,
    pub bundle: Bundle,
}

const fn route(pattern: &'static str, bundle: Bundle) -> Route {
    Route { pattern, bundle }
}

/// Every route, in the order the app's router lists them. A path no row
/// matches is the not-found page, run by [`NOT_FOUND_BUNDLE`].
pub const ROUTES: &[Route] = &[
    route("/", Bundle::Shell),
    route("/groups", Bundle::Shell),
    route("/groups/:id", Bundle::Shell),
    route("/calendar", Bundle::Full),
    route("/events", Bundle::Full),
    route("/events/:id", Bundle::Full),
    route("/signin", Bundle::Full),
    route("/drafts", Bundle::Full),
    route("/drafts/:id", Bundle::Full),
    route("/drafts/:id/print", Bundle::Full),
    route("/staff", Bundle::Full),
    route("/bench", Bundle::Full),
    route("/bench/calendar", Bundle::Full),
    route("/bench/drafts", Bundle::Full),
];

/// The bundle that answers a path no route matches (it has every page's
/// links, so a mistyped address leads on).
pub const NOT_FOUND_BUNDLE: Bundle = Bundle::Full;

/// The segments of a path, without empty ones (`/groups/` is `/groups`).
fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

/// The `:id` a pattern's segments give to a path's, or `None` when they
/// differ (`Some(None)`: matched, no parameter).
fn match_pattern<'a>(pattern: &str, path: &'a str) -> Option<Option<&'a str>> {
    let mut param = None;
    let mut pat = segments(pattern);
    let mut got = segments(path);
    loop {
        match (pat.next(), got.next()) {
            (None, None) => return Some(param),
            (Some(p), Some(g)) if p.starts_with(':') => param = Some(g),
            (Some(p), Some(g)) if p == g => {}
            _ => return None,
        }
    }
}

/// Percent-decoding of one path segment (`%E3%81%82` → `あ`); an invalid
/// escape or invalid UTF-8 is kept as sent.
fn decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = segment.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| segment.to_string())
}

/// Percent-encoding of an id for a path segment (RFC 3986 unreserved kept).
fn encode(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Page {
    /// The page a path (as sent, percent-encoded; no query) names.
    pub fn from_path(path: &str) -> Page {
        let Some((pattern, param)) = ROUTES
            .iter()
            .find_map(|r| match_pattern(r.pattern, path).map(|p| (r.pattern, p)))
        else {
            return Page::NotFound;
        };
        let id = || decode(param.unwrap_or_default());
        match pattern {
            "/" => Page::Home,
            "/groups" => Page::Groups,
            "/groups/:id" => Page::Group(id()),
            "/calendar" => Page::Calendar,
            "/events" => Page::Agenda,
            "/events/:id" => Page::Event(id()),
            "/signin" => Page::SignIn,
            "/drafts" => Page::Drafts,
            "/drafts/:id" => Page::Draft(id()),
            "/drafts/:id/print" => Page::DraftPrint(id()),
            "/staff" => Page::Staff,
            "/bench" => Page::Bench,
            "/bench/calendar" => Page::BenchCalendar,
            "/bench/drafts" => Page::BenchDrafts,
            _ => Page::NotFound,
        }
    }

    /// The path of the page (ids percent-encoded); the not-found page has
    /// none of its own and gives `/404`.
    pub fn path(&self) -> String {
        match self {
            Page::Home => "/".into(),
            Page::Groups => "/groups".into(),
            Page::Group(id) => format!("/groups/{}", encode(id)),
            Page::Calendar => "/calendar".into(),
            Page::Agenda => "/events".into(),
            Page::Event(id) => format!("/events/{}", encode(id)),
            Page::SignIn => "/signin".into(),
            Page::Drafts => "/drafts".into(),
            Page::Draft(id) => format!("/drafts/{}", encode(id)),
            Page::DraftPrint(id) => format!("/drafts/{}/print", encode(id)),
            Page::Staff => "/staff".into(),
            Page::Bench => "/bench".into(),
            Page::BenchCalendar => "/bench/calendar".into(),
            Page::BenchDrafts => "/bench/drafts".into(),
            Page::NotFound => "/404".into(),
        }
    }

    /// The bundle that runs this page.
    pub fn bundle(&self) -> Bundle {
        if *self == Page::NotFound {
            return NOT_FOUND_BUNDLE;
        }
        bundle_for(&self.path())
    }

    /// The public pages, whose content the server renders into the HTML.
    pub fn is_public(&self) -> bool {
        matches!(
            self,
            Page::Home
                | Page::Groups
                | Page::Group(_)
                | Page::Calendar
                | Page::Agenda
                | Page::Event(_)
        )
    }
}

/// The bundle that runs a path.
pub fn bundle_for(path: &str) -> Bundle {
    ROUTES
        .iter()
        .find(|r| match_pattern(r.pattern, path).is_some())
        .map_or(NOT_FOUND_BUNDLE, |r| r.bundle)
}

/// The table as JSON for the service worker: `[["/groups/:id","index.html"],…]`
/// and the not-found page's file, written into `sw.js` at build time.
pub fn table_json() -> String {
    let rows: Vec<String> = ROUTES
        .iter()
        .map(|r| format!("[\"{}\",\"{}\"]", r.pattern, r.bundle.file()))
        .collect();
    format!("[{}]", rows.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_round_trips_through_its_path() {
        let pages = [
            Page::Home,
            Page::Groups,
            Page::Group("porepore".into()),
            Page::Group("あ い/う".into()),
            Page::Calendar,
            Page::Agenda,
            Page::Event("e1".into()),
            Page::SignIn,
            Page::Drafts,
            Page::Draft("d1".into()),
            Page::DraftPrint("d1".into()),
            Page::Staff,
            Page::Bench,
            Page::BenchCalendar,
            Page::BenchDrafts,
        ];
        for page in pages {
            assert_eq!(Page::from_path(&page.path()), page, "{}", page.path());
        }
        assert_eq!(Page::from_path("/404"), Page::NotFound);
    }

    #[test]
    fn bundles() {
        for path in ["/", "/groups", "/groups/", "/groups/porepore"] {
            assert_eq!(bundle_for(path), Bundle::Shell, "{path}");
        }
        for path in [
            "/calendar",
            "/events",
            "/events/x",
            "/drafts",
            "/drafts/d/print",
            "/signin",
            "/groupsx",
            "/groups/a/b",
            "/nope",
        ] {
            assert_eq!(bundle_for(path), Bundle::Full, "{path}");
        }
    }

    #[test]
    fn paths_name_their_pages() {
        assert_eq!(Page::from_path("/groups/"), Page::Groups);
        assert_eq!(
            Page::from_path("/groups/pore%20pore"),
            Page::Group("pore pore".into())
        );
        assert_eq!(Page::from_path("/groups/a/b"), Page::NotFound);
        assert_eq!(Page::from_path("/events"), Page::Agenda);
        assert!(Page::from_path("/events/e1").is_public());
        assert!(!Page::from_path("/drafts").is_public());
    }

    #[test]
    fn the_table_as_json_reads_back() {
        let rows: Vec<(String, String)> = serde_json::from_str(&table_json()).expect("json");
        assert_eq!(rows.len(), ROUTES.len());
        assert_eq!(rows[2], ("/groups/:id".into(), "index.html".into()));
    }
}
