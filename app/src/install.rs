//! Installing and keeping: the install guide that fits the browser, and
//! persistent storage for unsent drafts.
//!
//! - Chromium (Android, desktop) fires `beforeinstallprompt`:
//!   [`listen_for_prompt`] keeps the event from the page's start, and
//!   [`InstallCard`] offers ホーム画面に追加, which calls its `prompt()`.
//! - iOS Safari has no such event: the card says the steps in words
//!   (共有 → ホーム画面に追加 → 追加).
//! - Installed (display-mode standalone, or `navigator.standalone`), or
//!   closed once (remembered in localStorage): no card.
//! - [`persist`] asks for persistent storage when a member signs in or
//!   starts a draft; [`StorageWarning`] says so on /drafts when the browser
//!   refused while drafts are unsent.

#[path = "i18n/install.rs"]
mod texts;

use leptos::prelude::*;
use std::cell::RefCell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// localStorage: "1" once the card was closed.
const DISMISSED_KEY: &str = "tsunagari.install.dismissed";

thread_local! {
    /// The `beforeinstallprompt` event, until its `prompt()` is used (once).
    static DEFERRED: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

/// Keeps `beforeinstallprompt` for the card, from the app's start (the
/// browser may fire it before the directory page is on screen). While the
/// card may show, the browser's own mini-infobar is held back in its favour.
pub fn listen_for_prompt() {
    let on_prompt = Closure::<dyn Fn(web_sys::Event)>::new(|e: web_sys::Event| {
        if !dismissed() {
            e.prevent_default();
        }
        DEFERRED.with(|d| *d.borrow_mut() = Some(e.into()));
    });
    let _ = window().add_event_listener_with_callback(
        "beforeinstallprompt",
        on_prompt.as_ref().unchecked_ref(),
    );
    // Lives as long as the page.
    on_prompt.forget();
}

/// Running as an installed app: display-mode standalone (Chromium, and
/// Safari since 2023) or `navigator.standalone` (older iOS Safari).
fn installed() -> bool {
    let w = window();
    let standalone = w
        .match_media("(display-mode: standalone)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches());
    let ios_standalone = js_sys::Reflect::get(&w.navigator(), &JsValue::from_str("standalone"))
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    standalone || ios_standalone
}

fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn dismissed() -> bool {
    local_storage()
        .and_then(|s| s.get_item(DISMISSED_KEY).ok().flatten())
        .is_some()
}

/// Safari on an iPhone, iPod or iPad (iPadOS calls itself a Mac with a
/// touch screen); not Chrome, Firefox, Edge or another app's browser,
/// whose share menus differ.
fn is_ios_safari(user_agent: &str, touch_points: i32) -> bool {
    let device = ["iPhone", "iPad", "iPod"]
        .iter()
        .any(|d| user_agent.contains(d))
        || (user_agent.contains("Macintosh") && touch_points > 1);
    let other = [
        "CriOS",
        "FxiOS",
        "EdgiOS",
        "OPiOS",
        "GSA/",
        "Line/",
        "FBAN",
        "Instagram",
    ]
    .iter()
    .any(|b| user_agent.contains(b));
    device && user_agent.contains("Safari") && !other
}

fn ios_safari() -> bool {
    let nav = window().navigator();
    is_ios_safari(
        &nav.user_agent().unwrap_or_default(),
        nav.max_touch_points(),
    )
}

/// Calls the kept event's `prompt()`; hides the card once the person
/// accepted (the event cannot be used twice either way).
fn prompt(hidden: RwSignal<bool>, can_prompt: RwSignal<bool>) {
    let Some(event) = DEFERRED.with(|d| d.borrow_mut().take()) else {
        return;
    };
    can_prompt.set(false);
    let get = |name: &str| js_sys::Reflect::get(&event, &JsValue::from_str(name)).ok();
    let Some(prompt) = get("prompt").and_then(|f| f.dyn_into::<js_sys::Function>().ok()) else {
        return;
    };
    if let Err(e) = prompt.call0(&event) {
        leptos::logging::warn!("prompt() failed: {}", crate::api::js_error(e));
        return;
    }
    let Some(choice) = get("userChoice").and_then(|p| p.dyn_into::<js_sys::Promise>().ok()) else {
        return;
    };
    leptos::task::spawn_local(async move {
        let outcome = JsFuture::from(choice)
            .await
            .ok()
            .and_then(|c| js_sys::Reflect::get(&c, &JsValue::from_str("outcome")).ok())
            .and_then(|o| o.as_string());
        if outcome.as_deref() == Some("accepted") {
            hidden.set(true);
        }
    });
}

/// A small card on the directory page: ホーム画面に追加 where the browser
/// can install, the iPhone's steps in Safari, nothing when installed or
/// once closed. It appears only with the page (see `can_prompt`).
#[component]
pub fn InstallCard() -> impl IntoView {
    let lang = crate::state::use_app().lang;
    let t = move || texts::texts(lang.get());
    let hidden = RwSignal::new(installed() || dismissed());
    // Decided when the page is drawn: an event that comes later shows the
    // card the next time the directory is drawn, never moving the list
    // under a finger (the layout stays still, issue 9).
    let can_prompt = RwSignal::new(DEFERRED.with(|d| d.borrow().is_some()));
    let ios = ios_safari();
    let on_installed = window_event_listener_untyped("appinstalled", move |_| hidden.set(true));
    on_cleanup(move || on_installed.remove());
    let dismiss = move |_| {
        if let Some(s) = local_storage() {
            // Refused (private mode): closed for this visit only.
            let _ = s.set_item(DISMISSED_KEY, "1");
        }
        hidden.set(true);
    };
    let show = move || !hidden.get() && (ios || can_prompt.get());
    view! {
        <Show when=show>
            <section class="install-card" data-testid="install-card" aria-labelledby="install-title">
                <h2 id="install-title">{move || t().title}</h2>
                <p>{move || t().why}</p>
                <Show
                    when=move || can_prompt.get()
                    fallback=move || view! {
                        <p class="install-intro">{move || t().ios_intro}</p>
                        <ol class="install-steps" data-testid="install-steps">
                            {move || t().ios_steps.iter().map(|s| view! { <li>{*s}</li> }).collect_view()}
                        </ol>
                    }
                >
                    <button
                        type="button"
                        class="button"
                        data-testid="install-button"
                        on:click=move |_| prompt(hidden, can_prompt)
                    >
                        {move || t().add_button}
                    </button>
                </Show>
                <button
                    type="button"
                    class="install-close"
                    data-testid="install-dismiss"
                    aria-label=move || t().dismiss_label
                    on:click=dismiss
                >
                    {move || t().dismiss}
                </button>
            </section>
        </Show>
    }
}

/// Asks the browser to keep this site's storage under pressure (drafts
/// live only in IndexedDB until sent). Chromium grants it to an installed
/// or much-used site without a question; Firefox may ask.
#[cfg(feature = "full")]
pub fn persist() {
    let storage = window().navigator().storage();
    leptos::task::spawn_local(async move {
        if let Ok(asked) = storage.persist() {
            let _ = JsFuture::from(asked).await;
        }
    });
}

/// On /drafts: one plain sentence when the browser refused persistent
/// storage while drafts are unsent on this device.
#[cfg(feature = "full")]
#[component]
pub fn StorageWarning() -> impl IntoView {
    use tsunagari_core::sync::DraftState;
    let lang = crate::state::use_app().lang;
    let d = crate::drafts::use_drafts();
    // None until the browser answered (and where it has no StorageManager).
    let persisted = RwSignal::new(None::<bool>);
    let storage = window().navigator().storage();
    leptos::task::spawn_local(async move {
        if let Ok(p) = storage.persisted() {
            let answer = JsFuture::from(p).await.ok().and_then(|v| v.as_bool());
            persisted.set(answer);
        }
    });
    let unsent = move || {
        d.outbox.with(|o| {
            d.group_drafts().iter().any(|l| {
                matches!(
                    l.state(o.is_waiting(&l.draft.id)),
                    DraftState::Waiting | DraftState::OnlyLocal
                )
            })
        })
    };
    view! {
        <Show when=move || persisted.get() == Some(false) && unsent()>
            <p class="notice warn" data-testid="storage-warning">
                {move || texts::texts(lang.get()).not_persisted}
            </p>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::is_ios_safari;

    #[test]
    fn ios_safari_only() {
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 \
                      (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
        assert!(is_ios_safari(iphone, 5));
        let ipad_as_mac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 \
                           (KHTML, like Gecko) Version/17.5 Safari/605.1.15";
        assert!(is_ios_safari(ipad_as_mac, 5));
        // A real Mac has no touch screen.
        assert!(!is_ios_safari(ipad_as_mac, 0));
        let chrome_ios = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 \
                          (KHTML, like Gecko) CriOS/126.0 Mobile/15E148 Safari/604.1";
        assert!(!is_ios_safari(chrome_ios, 5));
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 \
                       (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";
        assert!(!is_ios_safari(android, 5));
    }
}
