//! One tab at a time writes the drafts (Web Locks API).
//!
//! Every tab keeps the drafts and the outbox in memory and writes them back
//! whole, and numbers its mutations from the outbox it read. Two tabs of the
//! same install doing that at once could reuse mutation numbers (the server
//! would answer "already applied" and the edit would not be sent) or write
//! back a stale outbox. So a tab first takes the `tsunagari-drafts` lock
//! and keeps it until it closes; another tab waits, says so, and reads
//! IndexedDB afresh when the lock comes to it. Browsers without the API
//! (or pages outside a secure context) go on without it.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

const LOCK: &str = "tsunagari-drafts";

/// Calls `granted` once this tab holds the lock (until the tab closes).
/// When another tab holds it now, calls `busy` first and waits.
pub fn acquire(busy: impl FnOnce() + 'static, granted: impl FnOnce() + 'static) {
    let navigator = leptos::prelude::window().navigator();
    let locks = Reflect::get(&navigator, &JsValue::from_str("locks"))
        .ok()
        .filter(|l| l.is_object());
    let request = locks.as_ref().and_then(|l| {
        Reflect::get(l, &JsValue::from_str("request"))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
    });
    let (Some(locks), Some(request)) = (locks, request) else {
        granted();
        return;
    };
    let if_available = Object::new();
    let _ = Reflect::set(
        &if_available,
        &JsValue::from_str("ifAvailable"),
        &JsValue::TRUE,
    );
    let (locks_again, request_again) = (locks.clone(), request.clone());
    let first = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        if !lock.is_null() {
            granted();
            return hold();
        }
        busy();
        let queued = Closure::once_into_js(move |_lock: JsValue| -> JsValue {
            granted();
            hold()
        });
        if request_again
            .call2(&locks_again, &JsValue::from_str(LOCK), &queued)
            .is_err()
        {
            leptos::logging::warn!("could not wait for the drafts lock");
        }
        JsValue::UNDEFINED
    });
    if request
        .call3(&locks, &JsValue::from_str(LOCK), &if_available, &first)
        .is_err()
    {
        leptos::logging::warn!("could not ask for the drafts lock");
    }
}

/// A promise that never settles: the lock is held until the tab closes.
fn hold() -> JsValue {
    Promise::new(&mut |_, _| {}).into()
}
