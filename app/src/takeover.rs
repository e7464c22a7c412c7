//! Taking over the server's page without a visible change.
//!
//! The server sends a public page with its content in `<div id="ssr">`
//! (`server/src/pages.rs`, markup from `tsunagari_core::html`). The app
//! does not mount over it: it renders into a detached `<div id="app-root">`
//! (not in the document, so no duplicate ids, no layout, no shift) while
//! the server's content stays on screen. Once the app's first render has
//! its data (the stored data read from IndexedDB, or the first pull on a
//! first visit), one `requestAnimationFrame` callback, after Leptos has
//! drawn (or as soon as the status line has news only the app can tell:
//! a failed pull, another tab holding the database), replaces the server's content with the app's in one DOM
//! operation, so no frame shows a blank or shorter page. It keeps:
//! - the scroll position (read before, restored after);
//! - the kind (directory) or the category and organiser (agenda,
//!   calendar) chosen in the server's filters, and a tap on its language
//!   switch (the app follows them while hidden);
//! - what was typed into the server's search box (the directory's, or the
//!   events' filter) before the wasm ran: the app's query starts from it
//!   and follows it while hidden (so the app has searched it when it
//!   appears), and the app's box gets the text, the caret and the focus.
//!
//! The first render runs in tasks of its own after the wasm's start (the
//! page is readable meanwhile): the header, the status line, the route
//! (`stages`); the build's loader starts the wasm only
//! after the server's page has painted (`xtask/src/precache.rs`,
//! `start_after_first_paint`).
//!
//! A page without `#ssr` (the service worker's cached page offline, any
//! other route) mounts on `<body>` as before, at once.

use crate::state::{AppState, SyncState};
use leptos::prelude::*;
use tsunagari_core::{EventCategory, GroupKind};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement};

/// The server's content, when this page has some.
fn server_content() -> Option<HtmlElement> {
    document()
        .get_element_by_id("ssr")
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
}

/// The input `#id` inside `root`.
fn input_by_id(root: &HtmlElement, id: &str) -> Option<HtmlInputElement> {
    root.query_selector(&format!("#{id}"))
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
}

/// The directory's search box.
const GROUP_SEARCH: &str = "group-search";

/// The search boxes of the server's pages (the directory's, and the
/// events' filter on the agenda and the calendar), each with the query it
/// sets.
fn search_boxes(state: AppState) -> [(&'static str, RwSignal<String>); 2] {
    [
        (GROUP_SEARCH, state.query),
        ("event-search", state.event_query),
    ]
}

/// Text typed into the server's search box before the app started.
pub fn typed_query() -> String {
    server_content()
        .and_then(|ssr| input_by_id(&ssr, GROUP_SEARCH))
        .map(|input| input.value())
        .unwrap_or_default()
}

/// Mounts `app`: beside the server's content, hidden, when there is some;
/// else on `<body>`.
pub fn mount<F, V>(app: F)
where
    F: FnOnce() -> V + 'static,
    V: IntoView + 'static,
{
    let Some(_ssr) = server_content() else {
        leptos::mount::mount_to_body(app);
        return;
    };
    let Ok(root) = document().create_element("div") else {
        leptos::mount::mount_to_body(app);
        return;
    };
    root.set_id("app-root");
    let Ok(root) = root.dyn_into::<HtmlElement>() else {
        return;
    };
    ROOT.with_borrow_mut(|r| *r = Some(root.clone()));
    // The server's page is on screen: the first render waits for the next
    // task, so the wasm's start (instantiation) and the app's first render
    // are two tasks, not one long one that holds a tap on the page.
    set_timeout(
        move || leptos::mount::mount_to(root, app).forget(),
        std::time::Duration::ZERO,
    );
}

thread_local! {
    static ROOT: std::cell::RefCell<Option<HtmlElement>> = const { std::cell::RefCell::new(None) };
}

/// Whether the app is drawn hidden beside the server's content (rather
/// than on `<body>`, seen at once).
pub fn taking_over() -> bool {
    ROOT.with_borrow(Option::is_some)
}

/// `N` signals that turn true one after the other, each in a task of its
/// own, while the app is hidden; all true at once when nothing is taken
/// over. `App` draws its parts by them: while the app is hidden its first
/// render is several tasks (the header, the status line, the route), not
/// one: each compiles the wasm functions it calls for the first time (V8
/// compiles them lazily, on the main thread), most of a first render's
/// time.
pub fn stages<const N: usize>() -> [RwSignal<bool>; N] {
    let hidden = taking_over();
    let stages = std::array::from_fn(|_| RwSignal::new(!hidden));
    if hidden {
        next_stage(stages.to_vec());
    }
    stages
}

fn next_stage(mut left: Vec<RwSignal<bool>>) {
    if left.is_empty() {
        return;
    }
    set_timeout(
        move || {
            left.remove(0).set(true);
            next_stage(left);
        },
        std::time::Duration::ZERO,
    );
}

/// Called once by `App`: follows the server's search box while hidden and
/// swaps the app in when its data is there and all of it drawn (`drawn`:
/// the last of its [`stages`]).
pub fn watch(state: AppState, drawn: RwSignal<bool>) {
    let Some(ssr) = server_content() else {
        return;
    };
    // Typing goes on in the server's box until the swap: the app searches
    // as it goes (from what was typed before it started).
    for (id, query) in search_boxes(state) {
        let Some(input) = input_by_id(&ssr, id) else {
            continue;
        };
        let typed = input.value();
        if !typed.is_empty() && query.get_untracked() != typed {
            query.set(typed);
        }
        let target = input.clone();
        let listener = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
            query.set(target.value());
        });
        let _ = input.add_event_listener_with_callback("input", listener.as_ref().unchecked_ref());
        listener.forget();
    }
    // So do the filters and the language switch.
    let on_change = |id: &str, f: Box<dyn Fn(String)>| {
        let Some(select) = ssr
            .query_selector(id)
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlSelectElement>().ok())
        else {
            return;
        };
        // Chosen before the app started.
        if !select.value().is_empty() {
            f(select.value());
        }
        let target = select.clone();
        let listener = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || f(target.value()));
        let _ =
            select.add_event_listener_with_callback("change", listener.as_ref().unchecked_ref());
        listener.forget();
    };
    on_change(
        "#kind-filter",
        Box::new(move |v| state.kind.set(GroupKind::from_code(&v))),
    );
    on_change(
        "#category-filter",
        Box::new(move |v| state.event_category.set(EventCategory::from_code(&v))),
    );
    on_change(
        "#organiser-filter",
        Box::new(move |v| state.event_organiser.set((!v.is_empty()).then_some(v))),
    );
    if let Some(button) = ssr
        .query_selector("[data-testid=lang-switch]")
        .ok()
        .flatten()
    {
        let listener = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
            state.lang.update(|l| *l = l.other());
        });
        let _ = button.add_event_listener_with_callback("click", listener.as_ref().unchecked_ref());
        listener.forget();
    }
    let done = StoredValue::new(false);
    Effect::new(move |_| {
        let stored = state.groups.with(|g| !g.is_empty()) && state.events.with(|e| !e.is_empty());
        // The status line has news only the app can tell (another tab
        // holds the database, the pull or the storage failed).
        let news = matches!(
            state.sync.get(),
            SyncState::Failed | SyncState::StorageFailed | SyncState::UpgradeBlocked
        );
        if done.get_value() || !drawn.get() || !(state.ready.get() || stored || news) {
            return;
        }
        done.set_value(true);
        // After Leptos has drawn what these signals changed, before the
        // browser paints.
        request_animation_frame(move || swap(state));
    });
}

/// Runs `f` in a task after the next frame has been painted (work a page
/// does not need to show itself).
pub fn after_paint(f: impl FnOnce() + 'static) {
    request_animation_frame(move || set_timeout(f, std::time::Duration::ZERO));
}

/// Runs `f` when the page is idle (`requestIdleCallback`, at most 2 s
/// later; a task after the next frame where the browser lacks it): work
/// nobody waits for, such as the service worker's registration.
pub fn when_idle(f: impl FnOnce() + 'static) {
    let win = window();
    let idle = js_sys::Reflect::get(&win, &"requestIdleCallback".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let Some(idle) = idle else {
        return after_paint(f);
    };
    let callback = wasm_bindgen::closure::Closure::once_into_js(f);
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"timeout".into(), &2000.into());
    if idle.call2(&win, &callback, &options).is_err() {
        leptos::logging::warn!("requestIdleCallback failed");
    }
}

/// Replaces the server's content with the app's, in one step.
fn swap(state: AppState) {
    let (Some(ssr), Some(root)) = (server_content(), ROOT.with_borrow(Clone::clone)) else {
        return;
    };
    let window = window();
    let (x, y) = (
        window.scroll_x().unwrap_or(0.0),
        window.scroll_y().unwrap_or(0.0),
    );
    let typed: Vec<_> = search_boxes(state)
        .into_iter()
        .filter_map(|(id, query)| {
            let input = input_by_id(&ssr, id)?;
            let node: &web_sys::Node = input.as_ref();
            let focused = document()
                .active_element()
                .is_some_and(|a| a.is_same_node(Some(node)));
            let selection = (
                input.selection_start().ok().flatten(),
                input.selection_end().ok().flatten(),
            );
            Some((id, query, input.value(), focused, selection))
        })
        .collect();
    if ssr.replace_with_with_node_1(&root).is_err() {
        return;
    }
    for (id, query, text, focused, (start, end)) in typed {
        let Some(mine) = input_by_id(&root, id) else {
            continue;
        };
        if mine.value() != text {
            mine.set_value(&text);
        }
        if query.get_untracked() != text {
            query.set(text);
        }
        if focused {
            let _ = mine.focus();
            if let (Some(start), Some(end)) = (start, end) {
                let _ = mine.set_selection_range(start, end);
            }
        }
    }
    window.scroll_to_with_x_and_y(x, y);
}
