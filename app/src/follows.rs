//! お気に入り: the groups this device follows.
//!
//! Kept in localStorage with `gloo-storage` (so it works offline and needs
//! no account), and mirrored in the `follows` cookie so that the server's
//! first HTML of `/` and `/groups/:id` already shows them and the app takes
//! over without a jump (ARCHITECTURE.md, "Follows"). The cookie's format is
//! core's (`tsunagari_core::follows`).

use gloo_storage::{LocalStorage, Storage as _};
use leptos::prelude::*;
use tsunagari_core::follows;

const STORAGE_KEY: &str = "tsunagari.follows";

/// The followed groups' ids, in the order they were followed.
#[derive(Clone, Copy)]
pub struct Follows(pub RwSignal<Vec<String>>);

/// Reads the stored list, provides it, and saves every change (storage
/// and cookie). Called once by `App`.
pub fn provide() -> Follows {
    let ids: Vec<String> = LocalStorage::get(STORAGE_KEY).unwrap_or_default();
    let follows = Follows(RwSignal::new(ids));
    // The first run also writes the cookie, so a device that followed
    // before a cookie was lost (or cleared) gets it back.
    Effect::new(move |_| {
        follows.0.with(|ids| {
            if let Err(e) = LocalStorage::set(STORAGE_KEY, ids) {
                leptos::logging::warn!("the follows could not be stored: {e}");
            }
            let cookie = format!(
                "{}={}; Path=/; SameSite=Lax; Max-Age=31536000",
                follows::COOKIE,
                follows::cookie_value(ids)
            );
            let _ = js_sys::Reflect::set(&document(), &"cookie".into(), &cookie.into());
        })
    });
    provide_context(follows);
    follows
}

pub fn use_follows() -> Follows {
    expect_context::<Follows>()
}
