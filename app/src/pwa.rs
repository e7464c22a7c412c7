//! Progressive-web-app plumbing: online state, the service worker and its
//! update banner, and the `data-directory` marker the browser tests wait on.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorkerRegistration, ServiceWorkerState};

/// `navigator.onLine`, kept up to date by the `online`/`offline` events.
/// `on_online` runs each time the browser comes back online.
pub fn online_signal(on_online: impl Fn() + 'static) -> ReadSignal<bool> {
    let (online, set_online) = signal(window().navigator().on_line());
    // The listeners live as long as the page: the handles are not kept.
    let _ = window_event_listener(leptos::ev::online, move |_| {
        set_online.set(true);
        on_online();
    });
    let _ = window_event_listener(leptos::ev::offline, move |_| set_online.set(false));
    online
}

/// Where the directory on screen comes from, written to
/// `<html data-directory>`: `cached` (read from IndexedDB only) or
/// `stored` (a pull from the server was stored).
pub fn mark_directory(state: &str) {
    mark("directory", state);
}

/// Where the directory's search index comes from, written to
/// `<html data-search-index>`: `kept` (read from IndexedDB) or `built`.
pub fn mark_search_index(state: &str) {
    mark("searchIndex", state);
}

/// Where the list's base order comes from, written to
/// `<html data-base-order>`: `kept` (with the search index's record) or
/// `computed`.
pub fn mark_base_order(state: &str) {
    mark("baseOrder", state);
}

/// How the stored directory was read, written to `<html data-stored-read>`:
/// `early` (by the page's own script, before the wasm ran; `store::index`).
pub fn mark_stored_read(state: &str) {
    mark("storedRead", state);
}

/// A `performance.mark` (`tsunagari:<name>`), for the benchmarks' timings.
pub fn mark_time(name: &str) {
    if let Some(p) = window().performance() {
        let _ = p.mark(&format!("tsunagari:{name}"));
    }
}

/// The same for the events: `<html data-events="cached|stored">`.
pub fn mark_events(state: &str) {
    mark("events", state);
}

fn mark(key: &str, state: &str) {
    if let Some(html) = document()
        .document_element()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = html.dataset().set(key, state);
    }
}

/// Registers `/sw.js` and sets `update_ready` when a new version of the
/// worker is installed and waiting (never on the first install).
pub fn register_service_worker(update_ready: WriteSignal<bool>) {
    crate::install::listen_for_prompt();
    let container = window().navigator().service_worker();
    let registered = container.register("/sw.js");
    leptos::task::spawn_local(async move {
        let registration = match JsFuture::from(registered).await {
            Ok(r) => r.unchecked_into::<ServiceWorkerRegistration>(),
            Err(e) => {
                leptos::logging::warn!(
                    "the service worker was not registered: {}",
                    crate::api::js_error(e)
                );
                return;
            }
        };
        watch_for_update(&registration, update_ready);
    });
}

fn has_controller() -> bool {
    window().navigator().service_worker().controller().is_some()
}

fn watch_for_update(registration: &ServiceWorkerRegistration, update_ready: WriteSignal<bool>) {
    // A worker that was already waiting when the page loaded.
    if registration.waiting().is_some() && has_controller() {
        update_ready.set(true);
    }
    let reg = registration.clone();
    let on_update_found = Closure::<dyn Fn()>::new(move || {
        let Some(installing) = reg.installing() else {
            return;
        };
        let worker = installing.clone();
        let on_state_change = Closure::<dyn Fn()>::new(move || {
            // With a controller, "installed" means "waiting to take over".
            if worker.state() == ServiceWorkerState::Installed && has_controller() {
                update_ready.set(true);
            }
        });
        installing.set_onstatechange(Some(on_state_change.as_ref().unchecked_ref()));
        on_state_change.forget();
    });
    registration.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
    on_update_found.forget();
}

/// The banner's button: tell the waiting worker to take over, and reload
/// once it controls the page.
pub fn activate_update() {
    let container = window().navigator().service_worker();
    let reload = Closure::<dyn Fn()>::new(|| {
        let _ = window().location().reload();
    });
    container.set_oncontrollerchange(Some(reload.as_ref().unchecked_ref()));
    reload.forget();
    let pending = container.get_registration();
    leptos::task::spawn_local(async move {
        let Ok(registration) = JsFuture::from(pending).await else {
            let _ = window().location().reload();
            return;
        };
        let waiting = registration
            .dyn_into::<ServiceWorkerRegistration>()
            .ok()
            .and_then(|r| r.waiting());
        match waiting {
            Some(worker) => {
                let message = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&message, &"type".into(), &"SKIP_WAITING".into());
                let _ = worker.post_message(&message);
            }
            // Nothing waiting any more (another tab took it): just reload.
            None => {
                let _ = window().location().reload();
            }
        }
    });
}

/// Asks the service worker to run `tag` when the browser is next online
/// (Background Sync), where the browser has it; elsewhere nothing happens
/// and the app syncs when it next runs online.
pub fn register_background_sync(tag: &'static str) {
    let ready = match window().navigator().service_worker().ready() {
        Ok(ready) => ready,
        Err(_) => return,
    };
    leptos::task::spawn_local(async move {
        let Ok(registration) = JsFuture::from(ready).await else {
            return;
        };
        let sync = js_sys::Reflect::get(&registration, &"sync".into()).unwrap_or_default();
        if !sync.is_object() {
            return; // no Background Sync in this browser
        }
        let register = js_sys::Reflect::get(&sync, &"register".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        if let Some(register) = register
            && let Ok(promise) = register.call1(&sync, &tag.into())
            && let Ok(promise) = promise.dyn_into::<js_sys::Promise>()
            && let Err(e) = JsFuture::from(promise).await
        {
            leptos::logging::warn!(
                "background sync was not registered: {}",
                crate::api::js_error(e)
            );
        }
    });
}
