//! tsunagari (つながり): the offline-first client.
//!
//! `App` provides the shared state, starts the IndexedDB read and the first
//! pull, registers the service worker, and lays out header, status line and
//! routes. Each route lives in its own file under `routes/`.
//!
//! One crate, two bundles: with the `full` feature (the default) every page;
//! without it the directory shell, whose adapters are the same code, only
//! partly called.

// The shell leaves the drafts' and calendar's callers out; what only they
// use is dead there, and only there.
#![cfg_attr(not(feature = "full"), allow(dead_code))]

mod api;
mod city;
#[cfg(feature = "full")]
mod drafts;
mod event_ui;
mod follows;
mod i18n;
mod install;
mod kept_index;
mod prefs;
mod pwa;
mod routes;
mod state;
mod store;
mod sync;
mod takeover;

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;
use state::{AppState, SyncState};
use tsunagari_core::i18n::TextSize;

fn main() {
    // Beside the server's content when it sent some (`takeover`).
    takeover::mount(App);
}

#[component]
fn App() -> impl IntoView {
    let (saved_lang, saved_size) = prefs::load();
    let lang = RwSignal::new(saved_lang);
    let text_size = RwSignal::new(saved_size);
    Effect::new(move |_| prefs::apply(lang.get(), text_size.get()));

    let (update_ready, set_update_ready) = signal(false);
    let state_slot = StoredValue::new(None::<AppState>);
    #[cfg(feature = "full")]
    let drafts_slot = StoredValue::new(None::<drafts::Drafts>);
    // Try the server again: on the `online` event, the status line's
    // 再試行, a page shown again, and after a failed pull.
    let reconnect = Callback::new(move |()| {
        if let Some(state) = state_slot.get_value() {
            sync::pull_later(state);
        }
        #[cfg(feature = "full")]
        if let Some(d) = drafts_slot.get_value() {
            drafts::sync::request(d);
        }
    });
    let online = pwa::online_signal(move || reconnect.run(()));
    let state = AppState {
        lang,
        groups: RwSignal::new(Vec::new()),
        index_reading: RwSignal::new(false),
        ready: RwSignal::new(false),
        online,
        sync: RwSignal::new(SyncState::Idle),
        last_updated: RwSignal::new(None),
        update_ready,
        // What was typed into the server's search box before the wasm ran.
        query: RwSignal::new(takeover::typed_query()),
        kind: RwSignal::new(None),
        events: RwSignal::new(Vec::new()),
        event_query: RwSignal::new(String::new()),
        event_category: RwSignal::new(None),
        event_organiser: RwSignal::new(None),
    };
    state_slot.set_value(Some(state));
    provide_context(state);
    follows::provide();
    store::set_upgrade_hooks(store::UpgradeHooks {
        blocked: Box::new(move || state.sync.set(SyncState::UpgradeBlocked)),
        newer: Box::new(move || set_update_ready.set(true)),
    });
    // While the app is hidden its parts are drawn in tasks of their own:
    // the header, the status line, the route (`takeover::stages`).
    let [header_due, status_due, page_due] = takeover::stages();
    // Each start in a task of its own after the first render's: the
    // futures they spawn are polled together with the render's effects
    // otherwise, one long task on a slow phone.
    set_timeout(move || sync::start(state), std::time::Duration::ZERO);
    takeover::watch(state, page_due);
    sync::retry_automatically(state, reconnect);
    #[cfg(feature = "full")]
    {
        let d = drafts::Drafts::empty();
        drafts_slot.set_value(Some(d));
        provide_context(d);
        // A public page the app takes over has no drafts on it: their
        // start (the tab lock, the drafts database, the rounds' pull) waits
        // until the page is idle, out of the first render's task.
        if takeover::taking_over() {
            takeover::when_idle(move || d.begin());
        } else {
            d.begin();
        }
    }
    // Nobody waits for the service worker (it matters on the next visit):
    // registered when the page is idle.
    takeover::when_idle(move || pwa::register_service_worker(set_update_ready));

    view! {
        <Router>
            <a class="skip-link" href="#main" rel="external">
                {move || lang.get().texts().skip_link}
            </a>
            {move || header_due.get().then(|| view! { <Header text_size=text_size/> })}
            {move || {
                status_due
                    .get()
                    .then(|| view! { <UpdateBanner/> <StatusLine retry=reconnect/> })
            }}
            <main id="main" tabindex="-1">
                {move || page_due.get().then(|| view! { <AppRoutes/> })}
            </main>
            <FocusOnNavigation/>
        </Router>
    }
}

/// Every page: the full app (`app.html`). The paths are the route table's
/// (`tsunagari_core::routes::ROUTES`; Leptos's `path!` takes only literals,
/// so a test below checks that the two lists agree).
#[cfg(feature = "full")]
#[component]
fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=|| view! { <routes::not_found::NotFound/> }>
            <Route path=path!("/") view=routes::home::HomePage/>
            <Route path=path!("/groups") view=routes::groups::GroupsPage/>
            <Route path=path!("/groups/:id") view=routes::group::GroupPage/>
            <Route path=path!("/calendar") view=routes::calendar::CalendarPage/>
            <Route path=path!("/events") view=routes::agenda::AgendaPage/>
            <Route path=path!("/events/:id") view=routes::event::EventPage/>
            <Route path=path!("/signin") view=routes::signin::SignInPage/>
            <Route path=path!("/drafts") view=routes::drafts::DraftsPage/>
            <Route path=path!("/drafts/:id") view=routes::draft::DraftPage/>
            <Route path=path!("/drafts/:id/print") view=routes::draft_view::DraftPrintPage/>
            <Route path=path!("/staff") view=routes::staff::StaffPage/>
            <Route path=path!("/bench") view=routes::bench::BenchPage/>
            <Route path=path!("/bench/calendar") view=routes::bench_calendar::BenchCalendarPage/>
            <Route path=path!("/bench/drafts") view=routes::bench_drafts::BenchDraftsPage/>
        </Routes>
    }
}

/// The directory's pages only: the directory shell (`index.html`), the
/// route table's `Bundle::Shell` rows. The server and the service worker
/// send every other path to `app.html`.
#[cfg(not(feature = "full"))]
#[component]
fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=|| view! { <routes::not_found::NotFound/> }>
            <Route path=path!("/") view=routes::home::HomePage/>
            <Route path=path!("/groups") view=routes::groups::GroupsPage/>
            <Route path=path!("/groups/:id") view=routes::group::GroupPage/>
        </Routes>
    }
}

/// After a move to another page inside the app, the focus goes to the new
/// page's `h1` (a screen reader reads where it is; the next Tab starts
/// there), unless the page has put the focus somewhere itself. Not on the
/// first page: the browser starts at the top.
#[component]
fn FocusOnNavigation() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.as_ref().is_some_and(|p| p != &path) {
            focus_heading(20);
        }
        path
    });
}

/// Focuses `main h1` once it is drawn (tries `left` more times, 50 ms
/// apart: a page may draw its heading after its data), else `main`.
fn focus_heading(left: u32) {
    use wasm_bindgen::JsCast as _;
    set_timeout(
        move || {
            let doc = document();
            let main = doc.get_element_by_id("main");
            let moved = doc.active_element().is_some_and(|a| {
                main.as_ref()
                    .is_some_and(|m| m.contains(Some(&a)) && &a != m)
            });
            if moved {
                return;
            }
            let target = match doc.query_selector("main h1").ok().flatten() {
                Some(h1) => h1,
                None if left > 0 => return focus_heading(left - 1),
                None => match main {
                    Some(m) => m,
                    None => return,
                },
            };
            if !target.has_attribute("tabindex") {
                let _ = target.set_attribute("tabindex", "-1");
            }
            if let Ok(el) = target.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        },
        std::time::Duration::from_millis(50),
    );
}

#[component]
fn Header(text_size: RwSignal<TextSize>) -> impl IntoView {
    let lang = state::use_app().lang;
    let t = move || lang.get().texts();
    let sizes = TextSize::ALL
        .into_iter()
        .map(|size| {
            view! {
                <option value=size.code() selected=move || text_size.get() == size>
                    {move || size.label(lang.get())}
                </option>
            }
        })
        .collect_view();
    view! {
        <header class="site-header">
            <div class="container header-row">
                <a class="brand" href="/">
                    <span class="brand-name">{move || t().app_name}</span>
                    <span class="brand-tagline">{move || city::city().tagline(lang.get()).to_string()}</span>
                </a>
                <div class="header-tools">
                    <label class="text-size">
                        <span class="text-size-label">{move || t().text_size}</span>
                        <select
                            data-testid="text-size"
                            on:change=move |ev| {
                                text_size.set(TextSize::from_code(&event_target_value(&ev)))
                            }
                        >
                            {sizes}
                        </select>
                    </label>
                    <button
                        type="button"
                        class="lang-switch"
                        data-testid="lang-switch"
                        lang=move || lang.get().other().code()
                        aria-label=move || t().lang_switch_label
                        on:click=move |_| lang.update(|l| *l = l.other())
                    >
                        {move || t().lang_switch}
                    </button>
                </div>
            </div>
            <nav class="container" aria-label=move || t().nav_label>
                <A href="/groups">{move || t().nav_groups}</A>
                <OtherPages/>
            </nav>
        </header>
    }
}

/// The header's links beyond the directory, moved by the router in the
/// full app.
#[cfg(feature = "full")]
#[component]
fn OtherPages() -> impl IntoView {
    let lang = state::use_app().lang;
    let t = move || lang.get().texts();
    view! {
        <A href="/calendar">{move || t().nav_calendar}</A>
        <A href="/events">{move || t().nav_events}</A>
        <A href="/drafts">{move || t().nav_drafts}</A>
    }
}

/// In the directory shell those pages are not compiled in: plain links the
/// browser follows to the full app.
#[cfg(not(feature = "full"))]
#[component]
fn OtherPages() -> impl IntoView {
    let lang = state::use_app().lang;
    let t = move || lang.get().texts();
    view! {
        <a href="/calendar" rel=routes::rel_for("/calendar")>{move || t().nav_calendar}</a>
        <a href="/events" rel=routes::rel_for("/events")>{move || t().nav_events}</a>
        <a href="/drafts" rel=routes::rel_for("/drafts")>{move || t().nav_drafts}</a>
    }
}

/// The network state, 再試行 after a failed pull, and 最終更新 with the
/// data's age; the state is announced politely. It always takes the same
/// space (two single lines beside the button's place): a change of state
/// never moves the page.
#[component]
fn StatusLine(retry: Callback<()>) -> impl IntoView {
    let state = state::use_app();
    let t = move || state.lang.get().texts();
    let status = move || {
        let t = t();
        if !state.online.get() {
            return t.offline;
        }
        match state.sync.get() {
            SyncState::Syncing => t.syncing,
            SyncState::Failed => t.sync_failed,
            SyncState::StorageFailed => t.storage_failed,
            SyncState::UpgradeBlocked => t.upgrade_blocked,
            SyncState::Idle | SyncState::Stored => t.online,
        }
    };
    let offline_class = move || {
        let trouble = !state.online.get()
            || matches!(
                state.sync.get(),
                SyncState::Failed | SyncState::StorageFailed | SyncState::UpgradeBlocked
            );
        if trouble { "status warn" } else { "status" }
    };
    // The age is counted again every 30 s.
    let now = RwSignal::new(js_sys::Date::now());
    if let Ok(tick) = set_interval_with_handle(
        move || now.set(js_sys::Date::now()),
        std::time::Duration::from_secs(30),
    ) {
        on_cleanup(move || tick.clear());
    }
    let last_updated = move || {
        let lang = state.lang.get();
        match state.last_updated.get() {
            Some(ms) => i18n::last_updated(lang, ms, now.get()),
            None => t().never_updated.to_string(),
        }
    };

    // How old, then when (hidden at large text: style.css, `.when-at`).
    let when = move || {
        let lang = state.lang.get();
        state
            .last_updated
            .get()
            .map(|ms| i18n::last_updated_parts(lang, ms, now.get()))
    };
    let can_retry = move || !state.online.get() || state.sync.get() == SyncState::Failed;
    view! {
        <section class="status-bar" aria-label=move || t().status_label>
            <div class="container status-row">
                <p class=offline_class data-testid="net-status" aria-live="polite" title=status>
                    {status}
                </p>
                <p class="last-updated" data-testid="last-updated" title=last_updated>
                    {move || match when() {
                        Some((age, at)) => {
                            Either::Left(view! { {age} <span class="when-at">{at}</span> })
                        }
                        None => Either::Right(t().never_updated),
                    }}
                </p>
                <Show when=can_retry>
                    <button
                        type="button"
                        class="retry"
                        data-testid="retry"
                        disabled=move || state.sync.get() == SyncState::Syncing
                        on:click=move |_| retry.run(())
                    >
                        {move || t().retry}
                    </button>
                </Show>
            </div>
        </section>
    }
}

/// Shown when a new service worker is waiting; the button lets it take over.
#[component]
fn UpdateBanner() -> impl IntoView {
    let state = state::use_app();
    let t = move || state.lang.get().texts();
    view! {
        <Show when=move || state.update_ready.get()>
            <div class="update-banner" role="status">
                <button
                    type="button"
                    data-testid="update-banner"
                    on:click=|_| pwa::activate_update()
                >
                    {move || format!("{} — {}", t().update_available, t().reload)}
                </button>
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use tsunagari_core::routes::{Bundle, ROUTES};

    /// The `path!("…")` literals of one router function in this file.
    fn router_paths(function: &str) -> Vec<String> {
        let source = include_str!("main.rs");
        let marker = if function == "full" {
            "#[cfg(feature = \"full\")]\n#[component]\nfn AppRoutes()"
        } else {
            "#[cfg(not(feature = \"full\"))]\n#[component]\nfn AppRoutes()"
        };
        let start = source.find(marker).expect("router function");
        let body = &source[start..];
        let body = &body[..body.find("</Routes>").expect("end of routes")];
        body.split("path!(\"")
            .skip(1)
            .map(|rest| rest[..rest.find('"').expect("literal")].to_string())
            .collect()
    }

    #[test]
    fn the_routers_list_the_route_table() {
        let all: Vec<String> = ROUTES.iter().map(|r| r.pattern.to_string()).collect();
        assert_eq!(router_paths("full"), all, "app.html's router");
        let shell: Vec<String> = ROUTES
            .iter()
            .filter(|r| r.bundle == Bundle::Shell)
            .map(|r| r.pattern.to_string())
            .collect();
        assert_eq!(router_paths("shell"), shell, "index.html's router");
    }
}
