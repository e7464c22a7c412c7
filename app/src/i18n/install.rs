//! The strings of the install guide and of persistent storage, Japanese
//! and English (read by `install.rs`).

use crate::i18n::Lang;

pub struct InstallTexts {
    /// The card's heading.
    pub title: &'static str,
    /// Why install, in one sentence.
    pub why: &'static str,
    /// The button that opens the browser's own install dialog.
    pub add_button: &'static str,
    /// Before the iPhone/iPad steps.
    pub ios_intro: &'static str,
    /// The iPhone/iPad steps, in order.
    pub ios_steps: [&'static str; 3],
    /// The button that hides the card for good.
    pub dismiss: &'static str,
    /// Its accessible name.
    pub dismiss_label: &'static str,
    /// On /drafts when the browser refused persistent storage and drafts are unsent.
    pub not_persisted: &'static str,
}

pub fn texts(lang: Lang) -> &'static InstallTexts {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

const JA: InstallTexts = InstallTexts {
    title: "ホーム画面に追加できます",
    why: "アプリのようにすぐ開けて、電波がなくても名簿や下書きを見られます。",
    add_button: "ホーム画面に追加",
    ios_intro: "iPhone・iPad の Safari では:",
    ios_steps: [
        "画面の共有ボタン（四角から上向きの矢印）をタップ",
        "「ホーム画面に追加」を選ぶ",
        "右上の「追加」をタップ",
    ],
    dismiss: "閉じる",
    dismiss_label: "ホーム画面に追加の案内を閉じる",
    not_persisted: "このブラウザは空き容量が少ないと未送信の下書きを消すことがあります。オンラインのときに同期するか、ホーム画面に追加してください。",
};

const EN: InstallTexts = InstallTexts {
    title: "Add Tsunagari to your home screen",
    why: "It opens like an app, and the directory and your drafts work without a signal.",
    add_button: "Add to home screen",
    ios_intro: "In Safari on iPhone or iPad:",
    ios_steps: [
        "Tap the Share button (a square with an arrow pointing up)",
        "Choose “Add to Home Screen”",
        "Tap “Add” at the top right",
    ],
    dismiss: "Close",
    dismiss_label: "Close the home screen guide",
    not_persisted: "This browser may delete unsent drafts when storage runs low. Sync them while online, or add the app to your home screen.",
};
