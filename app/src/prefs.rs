//! The resident's preferences on this device: the language and the text
//! size (文字サイズ), one record in localStorage through `gloo-storage`
//! (`tsunagari.preferences`), and two cookies the server reads so that the
//! first HTML of the next page already has them (`lang`, `text_size`).
//! Storage may be refused (private mode): a choice then lasts for this visit.

use gloo_storage::{LocalStorage, Storage as _};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tsunagari_core::i18n::{Lang, TextSize};

const KEY: &str = "tsunagari.preferences";
/// Where the language was kept before the preferences record.
const OLD_LANG_KEY: &str = "tsunagari.lang";

/// The stored record: codes, so an unknown one from a newer release reads
/// as the default.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    text_size: String,
}

/// The saved choices; with none saved on this device, what the page says
/// (`<html lang data-text-size>`, which the server took from the `lang`
/// and `text_size` cookies), so the app never redraws the server's page
/// in another language; else Japanese and the standard size.
pub fn load() -> (Lang, TextSize) {
    let stored = LocalStorage::get::<Stored>(KEY).unwrap_or_else(|_| {
        let page = |name: &str| {
            document()
                .document_element()
                .and_then(|html| html.get_attribute(name))
                .unwrap_or_default()
        };
        Stored {
            lang: LocalStorage::raw()
                .get_item(OLD_LANG_KEY)
                .ok()
                .flatten()
                .unwrap_or_else(|| page("lang")),
            text_size: page("data-text-size"),
        }
    });
    (
        Lang::from_code(&stored.lang),
        TextSize::from_code(&stored.text_size),
    )
}

/// Saves both choices and applies them to the page: `<html lang>` and
/// `<html data-text-size>` (style.css scales the root font size by it).
pub fn apply(lang: Lang, size: TextSize) {
    let _ = LocalStorage::set(
        KEY,
        Stored {
            lang: lang.code().into(),
            text_size: size.code().into(),
        },
    );
    LocalStorage::delete(OLD_LANG_KEY);
    for cookie in [
        format!(
            "lang={}; Path=/; SameSite=Lax; Max-Age=31536000",
            lang.code()
        ),
        format!(
            "text_size={}; Path=/; SameSite=Lax; Max-Age=31536000",
            size.code()
        ),
    ] {
        let _ = js_sys::Reflect::set(&document(), &"cookie".into(), &cookie.into());
    }
    if let Some(html) = document().document_element() {
        let _ = html.set_attribute("lang", lang.code());
        if size == TextSize::Standard {
            let _ = html.remove_attribute("data-text-size");
        } else {
            let _ = html.set_attribute("data-text-size", size.code());
        }
    }
}
