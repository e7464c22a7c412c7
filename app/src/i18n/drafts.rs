//! The strings of sign-in and proposal drafts (提案書), Japanese and English.

use super::Lang;
use tsunagari_core::proposal::Field;
use tsunagari_core::sync::DraftState;

pub struct DraftTexts {
    pub signin_title: &'static str,
    pub redeem_tab: &'static str,
    pub signin_tab: &'static str,
    pub redeem_help: &'static str,
    pub code: &'static str,
    pub login: &'static str,
    pub login_help: &'static str,
    pub passphrase: &'static str,
    pub passphrase_help: &'static str,
    pub redeem_button: &'static str,
    pub signin_button: &'static str,
    pub sending: &'static str,
    pub signed_in_as: &'static str,
    pub sign_out: &'static str,
    pub drafts_title: &'static str,
    pub new_draft: &'static str,
    pub sync_now: &'static str,
    pub no_drafts: &'static str,
    pub need_signin: &'static str,
    pub signed_out_kept: &'static str,
    pub go_signin: &'static str,
    pub all_synced: &'static str,
    pub sync_offline: &'static str,
    pub sync_running: &'static str,
    pub sync_failed: &'static str,
    pub sync_storage_failed: &'static str,
    pub last_sync: &'static str,
    pub never_synced: &'static str,
    pub changed_at: &'static str,
    pub untitled: &'static str,
    pub saved: &'static str,
    pub saving: &'static str,
    pub save_failed: &'static str,
    pub submit: &'static str,
    pub submit_confirm: &'static str,
    pub submit_pending: &'static str,
    pub submitted_note: &'static str,
    pub delete: &'static str,
    pub delete_confirm: &'static str,
    pub print: &'static str,
    pub print_view: &'static str,
    pub back_to_drafts: &'static str,
    pub back_to_editor: &'static str,
    pub draft_not_found: &'static str,
    pub open_elsewhere: &'static str,
    pub fix_to_submit: &'static str,
    pub show_problems: &'static str,
    pub section_basics: &'static str,
    pub section_plan: &'static str,
    pub section_schedule: &'static str,
    pub section_budget: &'static str,
    pub choose_department: &'static str,
    pub add_milestone: &'static str,
    pub add_budget_line: &'static str,
    pub remove: &'static str,
    pub income_total: &'static str,
    pub expense_total: &'static str,
    pub cap: &'static str,
    pub no_cap: &'static str,
    pub chars: &'static str,
    pub conflict_title: &'static str,
    pub conflict_help: &'static str,
    pub mine: &'static str,
    pub theirs: &'static str,
    pub use_mine: &'static str,
    pub use_theirs: &'static str,
    pub combine: &'static str,
    pub resolve: &'static str,
    pub chosen: &'static str,
    pub rejected: &'static str,
    pub error_generic: &'static str,
    pub error_network: &'static str,
    // Amounts as typed (issue 10).
    /// Before the amount as read, for screen readers: `読み取った金額`.
    pub amount_read: &'static str,
    /// In the totals when a line's amount cannot be read.
    pub amounts_unread: &'static str,
    /// After an amount that cannot be read, in the print view.
    pub amount_unread_mark: &'static str,
}

pub static JA: DraftTexts = DraftTexts {
    signin_title: "団体アカウント",
    redeem_tab: "招待コードで登録",
    signin_tab: "サインイン",
    redeem_help: "市から届いた招待コードと、これから使うログイン名・パスフレーズを入力してください。",
    code: "招待コード",
    login: "ログイン名",
    login_help: "半角英数字と . - _ で3〜32文字",
    passphrase: "パスフレーズ",
    passphrase_help: "10文字以上。日本語の文でもかまいません",
    redeem_button: "登録してサインイン",
    signin_button: "サインイン",
    sending: "送信しています…",
    signed_in_as: "サインイン中",
    sign_out: "サインアウト",
    drafts_title: "提案書の下書き",
    new_draft: "新しい下書き",
    sync_now: "今すぐ同期",
    no_drafts: "まだ下書きはありません。「新しい下書き」から始めましょう。",
    need_signin: "提案書を書くには、団体アカウントでサインインしてください。",
    signed_out_kept: "サインインし直してください。この端末の下書きと未送信の変更はそのまま残っています。",
    go_signin: "サインインへ",
    all_synced: "すべて同期済み",
    sync_offline: "オフライン",
    sync_running: "同期中",
    sync_failed: "サーバーに接続できません。あとで自動的に再試行します",
    sync_storage_failed: "この端末に保存できませんでした",
    last_sync: "最終同期",
    never_synced: "まだ同期していません",
    changed_at: "最終変更",
    untitled: "（無題）",
    saved: "保存しました",
    saving: "保存待ち…",
    save_failed: "この端末に保存できませんでした（空き容量が足りない可能性があります）。入力した内容は画面に残っています。",
    submit: "提出",
    submit_confirm: "この内容で提出しますか？提出後は変更できません。",
    submit_pending: "提出を受け付けました。同期すると提出が完了します。",
    submitted_note: "提出済みです。内容は変更できません。",
    delete: "削除",
    delete_confirm: "この下書きを削除しますか？",
    print: "印刷",
    print_view: "印刷用の表示",
    back_to_drafts: "下書き一覧へ戻る",
    back_to_editor: "編集画面へ戻る",
    draft_not_found: "この下書きは見つかりませんでした。削除されたか、アドレスが違う可能性があります。",
    open_elsewhere: "提案書は別のタブ（またはウィンドウ）で開かれています。そちらで編集するか、そのタブを閉じてください。閉じるとここで続けられます。",
    fix_to_submit: "件の項目を直すと提出できます。",
    show_problems: "直す項目を表示",
    section_basics: "基本情報",
    section_plan: "事業の内容",
    section_schedule: "実施スケジュール",
    section_budget: "収支予算",
    choose_department: "選んでください",
    add_milestone: "予定を追加",
    add_budget_line: "予算の行を追加",
    remove: "削除",
    income_total: "収入合計",
    expense_total: "支出合計",
    cap: "上限",
    no_cap: "上限なし",
    chars: "文字",
    conflict_title: "別の端末の変更と重なっています",
    conflict_help: "同じ項目が別の端末でも変更されました。項目ごとに使う方を選ぶか、両方を合わせて書き直してから「解決」を押してください。",
    mine: "自分の版",
    theirs: "サーバーの版",
    use_mine: "自分の版を使う",
    use_theirs: "サーバーの版を使う",
    combine: "合わせて書き直す",
    resolve: "解決",
    chosen: "使う内容",
    rejected: "サーバーが変更を受け付けませんでした",
    error_generic: "うまくいきませんでした。時間をおいてもう一度お試しください。",
    error_network: "サーバーに接続できません。インターネット接続を確認してください。",
    // Amounts as typed (issue 10).
    amount_read: "読み取った金額",
    amounts_unread: "読み取れない金額の行は合計に入っていません。その行を直してください。",
    amount_unread_mark: "（金額を読み取れません）",
};

pub static EN: DraftTexts = DraftTexts {
    signin_title: "Group account",
    redeem_tab: "Register with a code",
    signin_tab: "Sign in",
    redeem_help: "Enter the invitation code from the city, and the login name and passphrase you want to use.",
    code: "Invitation code",
    login: "Login name",
    login_help: "3 to 32 letters, digits, '.', '-' or '_'",
    passphrase: "Passphrase",
    passphrase_help: "At least 10 characters; a sentence works well",
    redeem_button: "Register and sign in",
    signin_button: "Sign in",
    sending: "Sending…",
    signed_in_as: "Signed in",
    sign_out: "Sign out",
    drafts_title: "Proposal drafts",
    new_draft: "New draft",
    sync_now: "Sync now",
    no_drafts: "No drafts yet. Start with “New draft”.",
    need_signin: "Sign in with your group account to write proposals.",
    signed_out_kept: "Please sign in again. The drafts and unsent changes on this device are kept.",
    go_signin: "Go to sign-in",
    all_synced: "All synced",
    sync_offline: "Offline",
    sync_running: "Syncing",
    sync_failed: "Cannot reach the server. Will retry automatically",
    sync_storage_failed: "Could not save on this device",
    last_sync: "Last sync",
    never_synced: "Not synced yet",
    changed_at: "Last change",
    untitled: "(untitled)",
    saved: "Saved",
    saving: "Saving soon…",
    save_failed: "Could not save on this device (it may be full). What you typed is still on screen.",
    submit: "Submit",
    submit_confirm: "Submit this proposal? It cannot be changed afterwards.",
    submit_pending: "Submission recorded. It completes at the next sync.",
    submitted_note: "Submitted. It can no longer be changed.",
    delete: "Delete",
    delete_confirm: "Delete this draft?",
    print: "Print",
    print_view: "Printable view",
    back_to_drafts: "Back to the drafts",
    back_to_editor: "Back to the editor",
    draft_not_found: "We could not find this draft. It may have been deleted, or the address may be wrong.",
    open_elsewhere: "Proposals are open in another tab (or window). Edit them there, or close that tab to continue here.",
    fix_to_submit: "more item(s) to fix before submitting.",
    show_problems: "Show what to fix",
    section_basics: "Basics",
    section_plan: "The project",
    section_schedule: "Schedule",
    section_budget: "Budget",
    choose_department: "Choose one",
    add_milestone: "Add a milestone",
    add_budget_line: "Add a budget line",
    remove: "Remove",
    income_total: "Total income",
    expense_total: "Total expenses",
    cap: "Cap",
    no_cap: "No cap",
    chars: "characters",
    conflict_title: "Changed on another device too",
    conflict_help: "These items were also changed on another device. For each, choose a version or combine them, then press “Resolve”.",
    mine: "My version",
    theirs: "Server version",
    use_mine: "Use mine",
    use_theirs: "Use the server's",
    combine: "Combine",
    resolve: "Resolve",
    chosen: "Chosen text",
    rejected: "The server did not accept the change",
    error_generic: "Something went wrong. Please try again later.",
    error_network: "Cannot reach the server. Check the internet connection.",
    // Amounts as typed (issue 10).
    amount_read: "Amount read as",
    amounts_unread: "Lines whose amount cannot be read are not in the totals. Correct those lines.",
    amount_unread_mark: " (amount cannot be read)",
};

/// この端末のみ / 同期待ち / 同期済み / 競合 / 提出済み.
pub fn draft_state(lang: Lang, state: DraftState) -> &'static str {
    match (lang, state) {
        (Lang::Ja, DraftState::OnlyLocal) => "この端末のみ",
        (Lang::Ja, DraftState::Waiting) => "同期待ち",
        (Lang::Ja, DraftState::Synced) => "同期済み",
        (Lang::Ja, DraftState::Conflict) => "競合",
        (Lang::Ja, DraftState::Submitted) => "提出済み",
        (Lang::En, DraftState::OnlyLocal) => "Only on this device",
        (Lang::En, DraftState::Waiting) => "Waiting to sync",
        (Lang::En, DraftState::Synced) => "Synced",
        (Lang::En, DraftState::Conflict) => "Conflict",
        (Lang::En, DraftState::Submitted) => "Submitted",
    }
}

/// "3件が同期待ち" / "3 waiting to sync".
pub fn waiting_count(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Ja => format!("{n}件が同期待ち"),
        Lang::En => format!("{n} waiting to sync"),
    }
}

/// "1件の競合" / "1 conflict(s)".
pub fn conflict_count(lang: Lang, n: usize) -> String {
    match (lang, n) {
        (Lang::Ja, n) => format!("{n}件の競合"),
        (Lang::En, 1) => "1 conflict".to_string(),
        (Lang::En, n) => format!("{n} conflicts"),
    }
}

/// A field's label as the form shows it.
pub fn field_label(lang: Lang, field: &Field) -> String {
    match lang {
        Lang::Ja => field.label_ja().to_string(),
        Lang::En => {
            let en = field.label_en();
            let mut chars = en.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        }
    }
}

/// The server's error code as a sentence that says what to do.
pub fn api_error(lang: Lang, code: &str) -> &'static str {
    match (lang, code) {
        (Lang::Ja, "invalid_code") => {
            "招待コードが正しくないか、使用済み・期限切れです。市の担当者にご確認ください。"
        }
        (Lang::En, "invalid_code") => {
            "The invitation code is wrong, used or expired. Please ask the city's contact."
        }
        (Lang::Ja, "login_taken") => {
            "このログイン名はすでに使われています。別の名前にしてください。"
        }
        (Lang::En, "login_taken") => "This login name is taken. Please choose another.",
        (Lang::Ja, "bad_credentials") => "ログイン名またはパスフレーズが違います。",
        (Lang::En, "bad_credentials") => "The login name or passphrase is wrong.",
        (Lang::Ja, "rate_limited") => {
            "試行が多すぎます。しばらく待ってからもう一度お試しください。"
        }
        (Lang::En, "rate_limited") => "Too many attempts. Please wait a while and try again.",
        (Lang::Ja, "bad_request") => "入力内容を確認してください。",
        (Lang::En, "bad_request") => "Please check what you entered.",
        (Lang::Ja, "unauthorized") => "サインインし直してください。",
        (Lang::En, "unauthorized") => "Please sign in again.",
        (Lang::Ja, _) => JA.error_generic,
        (Lang::En, _) => EN.error_generic,
    }
}
