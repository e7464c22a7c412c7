//! The words of the public pages and the app, Japanese first and English
//! second: one source for the HTML the server renders (`crate::html`) and
//! the app (`app/src/i18n.rs` re-exports all of it).
//!
//! A page asks for `lang.texts()` and reads fields; sentences that carry a
//! number or a date are small functions next to the table.

use crate::calendar::{format_date_en_with, format_date_ja_with};
use crate::{Date, EventCategory, GroupKind, Registration, YearMonth, YearStyle};

/// The UI language. Japanese is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ja,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    /// `en` is English; anything else Japanese.
    pub fn from_code(code: &str) -> Lang {
        if code.trim() == "en" {
            Lang::En
        } else {
            Lang::Ja
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Ja => Lang::En,
            Lang::En => Lang::Ja,
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Ja => &JA,
            Lang::En => &EN,
        }
    }
}

/// 文字サイズ — the text size a resident chose in the header, on top of the
/// browser's own setting (the root font size scales every `rem`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextSize {
    /// 標準: the browser's size.
    #[default]
    Standard,
    /// 大: 125 %.
    Large,
    /// 特大: 150 %.
    ExtraLarge,
}

impl TextSize {
    pub const ALL: [TextSize; 3] = [TextSize::Standard, TextSize::Large, TextSize::ExtraLarge];

    /// The code in storage, the `text_size` cookie and `<html data-text-size>`.
    pub fn code(self) -> &'static str {
        match self {
            TextSize::Standard => "standard",
            TextSize::Large => "large",
            TextSize::ExtraLarge => "xlarge",
        }
    }

    /// A known code, else the standard size.
    pub fn from_code(code: &str) -> TextSize {
        TextSize::ALL
            .into_iter()
            .find(|s| s.code() == code.trim())
            .unwrap_or_default()
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::Ja, TextSize::Standard) => "標準",
            (Lang::Ja, TextSize::Large) => "大",
            (Lang::Ja, TextSize::ExtraLarge) => "特大",
            (Lang::En, TextSize::Standard) => "Standard",
            (Lang::En, TextSize::Large) => "Large",
            (Lang::En, TextSize::ExtraLarge) => "Extra large",
        }
    }
}

/// The fixed strings of one language.
pub struct Texts {
    pub app_name: &'static str,
    pub skip_link: &'static str,
    pub nav_label: &'static str,
    pub nav_groups: &'static str,
    /// The label of the language switch: the *other* language's name.
    pub lang_switch: &'static str,
    pub lang_switch_label: &'static str,
    /// The text size choice's label (文字サイズ).
    pub text_size: &'static str,
    /// The status line's landmark name.
    pub status_label: &'static str,
    pub groups_title: &'static str,
    pub search_label: &'static str,
    pub search_placeholder: &'static str,
    pub kind_label: &'static str,
    pub kind_all: &'static str,
    pub no_results: &'static str,
    /// Before the suggestions for a query that found little: "もしかして".
    pub did_you_mean: &'static str,
    /// What to try after a search found nothing.
    pub search_tips: &'static str,
    pub no_groups_yet: &'static str,
    pub loading: &'static str,
    pub online: &'static str,
    pub offline: &'static str,
    pub syncing: &'static str,
    pub sync_failed: &'static str,
    pub storage_failed: &'static str,
    pub upgrade_blocked: &'static str,
    pub last_updated: &'static str,
    pub never_updated: &'static str,
    /// The status line's button after a failed pull.
    pub retry: &'static str,
    pub update_available: &'static str,
    pub reload: &'static str,
    pub back_to_list: &'static str,
    pub reading: &'static str,
    pub kind: &'static str,
    pub registrations: &'static str,
    pub about: &'static str,
    pub activities: &'static str,
    pub programs: &'static str,
    pub fiscal_year: &'static str,
    pub division: &'static str,
    pub program_title: &'static str,
    pub department: &'static str,
    pub no_programs: &'static str,
    pub group_contacts: &'static str,
    pub city_contacts: &'static str,
    pub phone: &'static str,
    pub fax: &'static str,
    pub email: &'static str,
    pub address: &'static str,
    pub not_found_title: &'static str,
    pub group_not_found: &'static str,
    pub page_not_found: &'static str,
    pub bench_title: &'static str,
    pub bench_running: &'static str,
    pub nav_calendar: &'static str,
    pub nav_events: &'static str,
    pub nav_drafts: &'static str,
    pub prev_month: &'static str,
    pub next_month: &'static str,
    pub today: &'static str,
    pub empty_month: &'static str,
    pub nearest_month: &'static str,
    pub no_events_yet: &'static str,
    pub pick_day: &'static str,
    pub day_no_events: &'static str,
    pub agenda_title: &'static str,
    pub show_past: &'static str,
    pub hide_past: &'static str,
    pub past_events: &'static str,
    pub no_upcoming: &'static str,
    pub no_past: &'static str,
    pub event_search_label: &'static str,
    pub event_search_placeholder: &'static str,
    pub category_label: &'static str,
    pub category_all: &'static str,
    pub organiser_label: &'static str,
    pub organiser_all: &'static str,
    pub ics_list: &'static str,
    pub ics_event: &'static str,
    pub calendar_name: &'static str,
    pub when: &'static str,
    pub place: &'static str,
    pub map_app: &'static str,
    pub map_osm: &'static str,
    pub map_search: &'static str,
    pub organiser: &'static str,
    pub fee: &'static str,
    pub capacity: &'static str,
    pub deadline: &'static str,
    pub method: &'static str,
    pub contact: &'static str,
    pub website: &'static str,
    pub category: &'static str,
    pub details: &'static str,
    pub back_to_calendar: &'static str,
    pub back_to_agenda: &'static str,
    pub event_not_found: &'static str,
    pub group_events: &'static str,
    pub more_shown: &'static str,
}

pub static JA: Texts = Texts {
    app_name: "つながり",
    skip_link: "本文へ移動",
    nav_label: "メインメニュー",
    nav_groups: "団体",
    lang_switch: "English",
    lang_switch_label: "Switch to English",
    text_size: "文字サイズ",
    status_label: "接続と更新の状態",
    groups_title: "団体名簿",
    search_label: "団体名・読み・活動で検索",
    search_placeholder: "例: ぽれぽれ、子育て",
    kind_label: "団体の種類",
    kind_all: "すべての種類",
    no_results: "条件に合う団体は見つかりませんでした。言葉や種類を変えてお試しください。",
    did_you_mean: "もしかして:",
    search_tips: "ひらがな・カタカナ・ローマ字(kosodate など)、名前の一部でも探せます。",
    no_groups_yet: "まだ団体のデータがありません。インターネットに接続すると読み込みます。",
    loading: "読み込み中…",
    online: "オンライン",
    offline: "オフライン",
    syncing: "最新の情報を確認しています…",
    sync_failed: "接続できません。保存済みのデータを表示しています",
    storage_failed: "この端末にデータを保存できませんでした。表示は最新です",
    upgrade_blocked: "更新の途中です。ほかのタブで開いているつながりを閉じてください",
    last_updated: "最終更新",
    never_updated: "まだ更新していません",
    retry: "再試行",
    update_available: "新しいバージョンがあります",
    reload: "再読み込み",
    back_to_list: "団体一覧へ戻る",
    reading: "読み",
    kind: "種類",
    registrations: "登録",
    about: "団体について",
    activities: "主な活動",
    programs: "協働のまちづくりチャレンジ事業",
    fiscal_year: "年度",
    division: "部門",
    program_title: "事業名",
    department: "協働課",
    no_programs: "記録はありません",
    group_contacts: "団体の連絡先",
    city_contacts: "お問い合わせ",
    phone: "電話",
    fax: "FAX",
    email: "メール",
    address: "所在地",
    not_found_title: "ページが見つかりません",
    group_not_found: "お探しの団体は見つかりませんでした。名簿から削除されたか、アドレスが違う可能性があります。",
    page_not_found: "お探しのページは見つかりませんでした。アドレスをご確認ください。",
    bench_title: "ベンチマーク",
    bench_running: "計測しています…",
    nav_calendar: "カレンダー",
    nav_events: "予定",
    nav_drafts: "提案書",
    prev_month: "前の月",
    next_month: "次の月",
    today: "今日",
    empty_month: "この月の予定はありません。",
    nearest_month: "予定のある一番近い月",
    no_events_yet: "まだイベントのデータがありません。インターネットに接続すると読み込みます。",
    pick_day: "日付を選ぶと、その日の予定が下に表示されます。",
    day_no_events: "この日の予定はありません。",
    agenda_title: "これからの予定",
    show_past: "終了したイベントも表示",
    hide_past: "終了したイベントを隠す",
    past_events: "終了したイベント",
    no_upcoming: "条件に合うこれからの予定はありません。",
    no_past: "条件に合う終了したイベントはありません。",
    event_search_label: "イベント名・会場・主催者で検索",
    event_search_placeholder: "例: まつり、ワークショップ",
    category_label: "イベントの種類",
    category_all: "すべての種類",
    organiser_label: "主催者",
    organiser_all: "すべての主催者",
    ics_list: "この一覧を .ics で保存",
    ics_event: "カレンダーに追加 (.ics)",
    calendar_name: "つながり イベント",
    when: "日時",
    place: "会場",
    map_app: "地図アプリで開く",
    map_osm: "OpenStreetMap で見る",
    map_search: "OpenStreetMap で場所を探す",
    organiser: "主催",
    fee: "参加費",
    capacity: "定員",
    deadline: "申込締切",
    method: "申込方法",
    contact: "問い合わせ",
    website: "ウェブサイト",
    category: "種類",
    details: "詳細",
    back_to_calendar: "カレンダーへ戻る",
    back_to_agenda: "予定一覧へ戻る",
    event_not_found: "お探しのイベントは見つかりませんでした。終了して削除されたか、アドレスが違う可能性があります。",
    group_events: "この団体のイベント",
    more_shown: "件数が多いため先頭のみ表示しています。検索や種類で絞り込んでください。",
};

pub static EN: Texts = Texts {
    app_name: "Tsunagari",
    skip_link: "Skip to main content",
    nav_label: "Main menu",
    nav_groups: "Groups",
    lang_switch: "日本語",
    lang_switch_label: "日本語に切り替える",
    text_size: "Text size",
    status_label: "Connection and updates",
    groups_title: "Group directory",
    search_label: "Search by name, reading or activity",
    search_placeholder: "e.g. porepore, kosodate (childcare)",
    kind_label: "Kind of group",
    kind_all: "All kinds",
    no_results: "No group matches. Try other words or another kind.",
    did_you_mean: "Did you mean:",
    search_tips: "Japanese words can be typed in romaji (kosodate = childcare), hiragana or katakana; part of a name is enough.",
    no_groups_yet: "No groups yet. They load when you are online.",
    loading: "Loading…",
    online: "Online",
    offline: "Offline",
    syncing: "Checking for updates…",
    sync_failed: "Cannot connect. Showing saved data",
    storage_failed: "Could not save the data on this device. What you see is up to date",
    upgrade_blocked: "Updating: please close tsunagari in your other tabs",
    last_updated: "Updated",
    never_updated: "Not updated yet",
    retry: "Retry",
    update_available: "A new version is available",
    reload: "Reload",
    back_to_list: "Back to the list",
    reading: "Reading",
    kind: "Kind",
    registrations: "Registrations",
    about: "About",
    activities: "Activities",
    programs: "Civic partnership challenge program",
    fiscal_year: "Fiscal year",
    division: "Division",
    program_title: "Project",
    department: "Partner department",
    no_programs: "No record",
    group_contacts: "Contact the group",
    city_contacts: "Contact the city",
    phone: "Phone",
    fax: "Fax",
    email: "Email",
    address: "Address",
    not_found_title: "Page not found",
    group_not_found: "We could not find this group. It may have been removed from the directory, or the address may be wrong.",
    page_not_found: "We could not find this page. Please check the address.",
    bench_title: "Benchmark",
    bench_running: "Measuring…",
    nav_calendar: "Calendar",
    nav_events: "Agenda",
    nav_drafts: "Proposals",
    prev_month: "Previous month",
    next_month: "Next month",
    today: "Today",
    empty_month: "Nothing is on this month.",
    nearest_month: "Nearest month with events",
    no_events_yet: "No events yet. They load when you are online.",
    pick_day: "Pick a day to see what is on.",
    day_no_events: "Nothing is on this day.",
    agenda_title: "Upcoming events",
    show_past: "Show past events",
    hide_past: "Hide past events",
    past_events: "Past events",
    no_upcoming: "No upcoming event matches.",
    no_past: "No past event matches.",
    event_search_label: "Search by title, place or organiser",
    event_search_placeholder: "e.g. matsuri, civic tech",
    category_label: "Category",
    category_all: "All categories",
    organiser_label: "Organiser",
    organiser_all: "All organisers",
    ics_list: "Save this list as .ics",
    ics_event: "Add to calendar (.ics)",
    calendar_name: "Tsunagari events",
    when: "When",
    place: "Place",
    map_app: "Open in a map app",
    map_osm: "View on OpenStreetMap",
    map_search: "Find it on OpenStreetMap",
    organiser: "Organiser",
    fee: "Fee",
    capacity: "Capacity",
    deadline: "Apply by",
    method: "How to apply",
    contact: "Contact",
    website: "Website",
    category: "Category",
    details: "Details",
    back_to_calendar: "Back to the calendar",
    back_to_agenda: "Back to the agenda",
    event_not_found: "We could not find this event. It may have been removed, or the address may be wrong.",
    group_events: "Events by this group",
    more_shown: "Only the first ones are shown. Narrow the list with the search or filters.",
};

/// "12件" / "12 groups".
pub fn count(lang: Lang, n: usize) -> String {
    match (lang, n) {
        (Lang::Ja, n) => format!("{n}件"),
        (Lang::En, 1) => "1 group".to_string(),
        (Lang::En, n) => format!("{n} groups"),
    }
}

/// "「ぽれぽら」に合う団体は見つかりませんでした。" / "No group matches “porepora”.",
/// with the kind filter named when one is set.
pub fn no_match(lang: Lang, query: &str, kind: Option<GroupKind>) -> String {
    let query = query.trim();
    match (lang, kind) {
        (Lang::Ja, None) => format!("「{query}」に合う団体は見つかりませんでした。"),
        (Lang::Ja, Some(kind)) => format!(
            "種類「{}」の中に「{query}」に合う団体は見つかりませんでした。",
            kind.label_ja()
        ),
        (Lang::En, None) => format!("No group matches “{query}”."),
        (Lang::En, Some(kind)) => {
            format!(
                "No group of the kind “{}” matches “{query}”.",
                kind.label_en()
            )
        }
    }
}

/// The button that clears the kind filter: "すべての種類で探す".
pub fn search_all_kinds(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "すべての種類で探す",
        Lang::En => "Search all kinds",
    }
}

/// The directory's "show more" button: "さらに60件を表示（残り1,234件）".
pub fn show_more(lang: Lang, next: usize, left: usize) -> String {
    match lang {
        Lang::Ja => format!("さらに{next}件を表示（残り{left}件）"),
        Lang::En => format!("Show {next} more ({left} left)"),
    }
}

/// "3件" / "3 events".
pub fn event_count(lang: Lang, n: usize) -> String {
    match (lang, n) {
        (Lang::Ja, n) => format!("{n}件"),
        (Lang::En, 1) => "1 event".to_string(),
        (Lang::En, n) => format!("{n} events"),
    }
}

/// A day cell's name: "10月23日(土) イベント1件" / "Sat 23 Oct, 1 event".
pub fn day_label(lang: Lang, date: Date, n: usize) -> String {
    match lang {
        Lang::Ja if n == 0 => format_date_ja_with(date, YearStyle::Omit),
        Lang::Ja => format!(
            "{} イベント{n}件",
            format_date_ja_with(date, YearStyle::Omit)
        ),
        Lang::En if n == 0 => format_date_en_with(date, YearStyle::Omit),
        Lang::En => format!(
            "{}, {}",
            format_date_en_with(date, YearStyle::Omit),
            event_count(lang, n)
        ),
    }
}

/// "2021年10月23日(土)" / "Sat 23 Oct 2021".
pub fn long_date(lang: Lang, date: Date) -> String {
    match lang {
        Lang::Ja => format_date_ja_with(date, YearStyle::Gregorian),
        Lang::En => format_date_en_with(date, YearStyle::Gregorian),
    }
}

/// "2021年10月" / "October 2021".
pub fn month_title(lang: Lang, month: YearMonth) -> String {
    match lang {
        Lang::Ja => month.format_ja(),
        Lang::En => month.format_en(),
    }
}

/// [`month_title`] as HTML for a heading: `2026年<wbr>12月`, so that a
/// line too narrow for it (large text on a phone) breaks it after 年 and
/// nowhere else (the heading keeps Japanese words whole: `keep-all`).
/// The same text; English breaks at its space.
pub fn month_title_html(lang: Lang, month: YearMonth) -> String {
    let title = month_title(lang, month);
    match lang {
        Lang::Ja => title.replacen('年', "年<wbr>", 1),
        Lang::En => title,
    }
}

/// "30人" / "30 people".
pub fn capacity(lang: Lang, n: u32) -> String {
    match lang {
        Lang::Ja => format!("{n}人"),
        Lang::En => format!("{n} people"),
    }
}

pub fn category_label(lang: Lang, category: EventCategory) -> &'static str {
    match lang {
        Lang::Ja => category.label_ja(),
        Lang::En => category.label_en(),
    }
}

pub fn weekday_label(lang: Lang, day: crate::Weekday) -> &'static str {
    match lang {
        Lang::Ja => day.label_ja(),
        Lang::En => day.label_en(),
    }
}

pub fn kind_label(lang: Lang, kind: GroupKind) -> &'static str {
    match lang {
        Lang::Ja => kind.label_ja(),
        Lang::En => kind.label_en(),
    }
}

pub fn registration_label(lang: Lang, registration: Registration) -> &'static str {
    match lang {
        Lang::Ja => registration.label_ja(),
        Lang::En => registration.label_en(),
    }
}

pub fn fiscal_year(lang: Lang, start_year: u16) -> String {
    match lang {
        Lang::Ja => crate::wareki::fiscal_year_ja(start_year),
        Lang::En => crate::wareki::fiscal_year_en(start_year),
    }
}

/// The words of the home page, of an event's state (終了) and of following
/// a group (お気に入り): `lang.home()`.
pub struct HomeTexts {
    pub home_title: &'static str,
    pub upcoming_title: &'static str,
    pub all_upcoming: &'static str,
    /// Nothing is planned: said plainly on the home page, the agenda and
    /// the calendar, followed by [`HomeTexts::see_past`] and
    /// [`HomeTexts::how_events_added`].
    pub nothing_upcoming: &'static str,
    pub see_past: &'static str,
    pub how_events_added: &'static str,
    pub followed_title: &'static str,
    pub next_event: &'static str,
    pub no_next_event: &'static str,
    pub directory_title: &'static str,
    /// The follow button's label (its state is `aria-pressed`).
    pub follow: &'static str,
    pub follow_hint: &'static str,
    pub event_ended: &'static str,
    pub subscribe: &'static str,
    pub subscribe_group: &'static str,
    pub subscribe_hint: &'static str,
}

pub const HOME_JA: HomeTexts = HomeTexts {
    home_title: "金沢の協働のまちづくり",
    upcoming_title: "これからの予定",
    all_upcoming: "予定をすべて見る",
    nothing_upcoming: "いま予定されているイベントはありません。",
    see_past: "終わったイベントを見る",
    how_events_added: "イベントは、金沢市がオープンデータとして公開する「イベント一覧」(CSV) を取り込んで載せています。市が新しい予定を公開すると、ここに表示されます。",
    followed_title: "お気に入りの団体",
    next_event: "次の予定",
    no_next_event: "これからの予定はまだありません",
    directory_title: "団体をさがす",
    follow: "お気に入り",
    follow_hint: "お気に入りはこの端末だけに保存され、ホームに次の予定が表示されます。",
    event_ended: "終了しました",
    subscribe: "カレンダーを購読する",
    subscribe_group: "この団体の予定を購読する",
    subscribe_hint: "購読すると、スマートフォンのカレンダーアプリに予定が入り、新しい予定も自動で追加されます。",
};

pub const HOME_EN: HomeTexts = HomeTexts {
    home_title: "Groups and events",
    upcoming_title: "Coming up",
    all_upcoming: "See all events",
    nothing_upcoming: "No events are planned right now.",
    see_past: "See past events",
    how_events_added: "Events come from the event list (イベント一覧, a CSV file) that Kanazawa City publishes as open data. New events appear here once the city publishes them.",
    followed_title: "Groups you follow",
    next_event: "Next event",
    no_next_event: "No upcoming event yet",
    directory_title: "Find a group",
    follow: "Follow",
    follow_hint: "Kept on this device only; the home page shows the groups you follow and their next events.",
    event_ended: "This event has ended",
    subscribe: "Subscribe to the calendar",
    subscribe_group: "Subscribe to this group's events",
    subscribe_hint: "Subscribing puts these events in your phone's calendar app, and new ones are added by themselves.",
};

impl Lang {
    pub fn home(self) -> &'static HomeTexts {
        match self {
            Lang::Ja => &HOME_JA,
            Lang::En => &HOME_EN,
        }
    }
}
