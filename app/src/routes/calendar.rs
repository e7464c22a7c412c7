//! `/calendar?m=YYYY-MM`: a month at a glance (Sunday first), the month's
//! events below it, or the chosen day's.

use crate::event_ui::{self, EventFilters, passes, today_jst};
use crate::i18n::{self, Lang};
use crate::state::{set_title, use_app};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use tsunagari_core::calendar::{
    events_on, events_per_cell, month_grid, nearest_month_with_events, upcoming,
};
use tsunagari_core::{Date, Event, WeekStart, Weekday, YearMonth, YearStyle};

/// `2021-10` → October 2021.
fn parse_month(s: &str) -> Option<YearMonth> {
    let (y, m) = s.split_once('-')?;
    YearMonth::new(y.parse().ok()?, m.parse().ok()?).ok()
}

/// `/calendar?m=2021-10`.
pub fn month_href(month: YearMonth) -> String {
    format!("/calendar?m={:04}-{:02}", month.year, month.month)
}

/// Whether an event touches any day from `first` to `last`.
fn overlaps(event: &Event, first: Date, last: Date) -> bool {
    event.first_day() <= last && event.last_day() >= first
}

#[component]
pub fn CalendarPage() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let query = use_query_map();
    let month = Memo::new(move |_| {
        query
            .with(|q| q.get("m"))
            .and_then(|m| parse_month(&m))
            .unwrap_or_else(|| today_jst().year_month())
    });
    Effect::new(move |_| set_title(&i18n::month_title(lang.get(), month.get()), lang.get()));
    let selected = RwSignal::new(None::<Date>);
    let mask = event_ui::filter_mask(state);

    // The filtered events that touch the grid (neighbour months' days too).
    let grid_events = Memo::new(move |_| {
        let m = month.get();
        let grid = month_grid(m.year, m.month, WeekStart::Sunday);
        let (Some(first), Some(last)) = (grid.first().map(|w| w[0]), grid.last().map(|w| w[6]))
        else {
            return Vec::new();
        };
        mask.with(|mask| {
            state.events.with(|events| {
                events
                    .iter()
                    .enumerate()
                    .filter(|(i, e)| passes(mask, *i) && overlaps(e, first, last))
                    .map(|(_, e)| e.clone())
                    .collect::<Vec<Event>>()
            })
        })
    });
    let month_is_empty = Memo::new(move |_| {
        let m = month.get();
        let (Some(first), Some(last)) = (m.first_day(), m.last_day()) else {
            return true;
        };
        grid_events.with(|evs| !evs.iter().any(|e| overlaps(e, first, last)))
    });

    let navigate = use_navigate();
    let go = move |m: Option<YearMonth>| {
        if let Some(m) = m {
            selected.set(None);
            navigate(&month_href(m), Default::default());
        }
    };
    let go_prev = go.clone();
    let go_next = go.clone();
    let go_today = go;
    let t = move || lang.get().texts();

    view! {
        <div class="container page calendar-page">
            <div class="month-nav">
                <button
                    type="button"
                    class="icon-button"
                    data-testid="prev-month"
                    aria-label=move || t().prev_month
                    on:click=move |_| go_prev(month.get_untracked().previous())
                >
                    "‹"
                </button>
                <h1
                    data-testid="month-title"
                    aria-live="polite"
                    inner_html=move || i18n::month_title_html(lang.get(), month.get())
                ></h1>
                <button
                    type="button"
                    class="icon-button"
                    data-testid="next-month"
                    aria-label=move || t().next_month
                    on:click=move |_| go_next(month.get_untracked().next())
                >
                    "›"
                </button>
                <button
                    type="button"
                    class="today-button"
                    data-testid="today"
                    on:click=move |_| {
                        let today = today_jst();
                        go_today(Some(today.year_month()));
                        selected.set(Some(today));
                    }
                >
                    {move || t().today}
                </button>
            </div>
            {move || {
                let m = month.get();
                let lang = lang.get();
                grid_events.with(|events| {
                    view! { <MonthGrid month=m events=events.clone() selected=selected lang=lang/> }
                })
            }}
            {move || month_is_empty.get().then(|| view! { <EmptyMonth month=month mask=mask/> })}
            <DayEvents selected=selected month=month grid_events=grid_events/>
            <EventFilters/>
            <div inner_html=move || tsunagari_core::html::subscribe_link(lang.get(), None)></div>
        </div>
    }
}

/// The month grid: seven columns, Sunday first; each day of the month is a
/// button, marked with a dot when something is on.
#[component]
pub fn MonthGrid(
    month: YearMonth,
    /// Events touching the grid (no need to be exactly the month's).
    events: Vec<Event>,
    selected: RwSignal<Option<Date>>,
    lang: Lang,
) -> impl IntoView {
    let weeks = month_grid(month.year, month.month, WeekStart::Sunday);
    if weeks.is_empty() {
        return ().into_any();
    }
    let counts = events_per_cell(&weeks, &events);
    let head = WeekStart::Sunday
        .weekdays()
        .into_iter()
        .map(|d| {
            view! { <span class=format!("weekday {}", weekday_class(d))>{i18n::weekday_label(lang, d)}</span> }
        })
        .collect_view();
    let days = weeks
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, &date)| day_cell(date, counts[i], month, selected, lang))
        .collect_view();
    view! {
        <div class="month-grid" data-testid="month-grid">
            <div class="weekdays" aria-hidden="true">{head}</div>
            <div class="days">{days}</div>
        </div>
    }
    .into_any()
}

fn weekday_class(d: Weekday) -> &'static str {
    match d {
        Weekday::Sunday => "sun",
        Weekday::Saturday => "sat",
        _ => "",
    }
}

fn day_cell(
    date: Date,
    n: usize,
    month: YearMonth,
    selected: RwSignal<Option<Date>>,
    lang: Lang,
) -> AnyView {
    let class = format!("day {}", weekday_class(date.weekday()));
    if date.year_month() != month {
        return view! { <span class=format!("{class} outside") aria-hidden="true">{date.day()}</span> }
            .into_any();
    }
    let is_today = date == today_jst();
    view! {
        <button
            type="button"
            class=class
            class:today=is_today
            data-testid="day"
            data-date=date.to_string()
            data-has-events=(n > 0).then_some("true")
            aria-label=i18n::day_label(lang, date, n)
            aria-current=is_today.then_some("date")
            aria-pressed=move || (selected.get() == Some(date)).to_string()
            on:click=move |_| selected.set(Some(date))
        >
            <span class="num">{date.day()}</span>
            {(n > 0).then(|| view! { <span class="dot" aria-hidden="true"></span> })}
        </button>
    }
    .into_any()
}

/// Nothing this month: say so, and offer the nearest month with events.
#[component]
fn EmptyMonth(month: Memo<YearMonth>, mask: Memo<Option<Vec<bool>>>) -> impl IntoView {
    let state = use_app();
    let nearest = Memo::new(move |_| {
        let m = month.get();
        mask.with(|mask| {
            state.events.with(|events| match mask {
                None => nearest_month_with_events(m.year, m.month, events),
                Some(_) => {
                    let shown: Vec<Event> = events
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| passes(mask, *i))
                        .map(|(_, e)| e.clone())
                        .collect();
                    nearest_month_with_events(m.year, m.month, &shown)
                }
            })
        })
    });
    move || {
        let lang = state.lang.get();
        let t = lang.texts();
        let link = nearest.get().map(|n| {
            view! {
                <a class="button" data-testid="nearest-month" href=month_href(n)>
                    {format!("{}: {}", t.nearest_month, i18n::month_title(lang, n))}
                </a>
            }
        });
        // While the events load, the link's place is kept (invisible), so
        // the page below does not move when the link arrives.
        let loading = state.events.with(Vec::is_empty) && !state.ready.get();
        let link = link.map(IntoAny::into_any).or_else(|| {
            loading.then(|| {
                view! { <span class="button placeholder" aria-hidden="true">"\u{a0}"</span> }
                    .into_any()
            })
        });
        let message = if state.events.with(Vec::is_empty) && state.ready.get() {
            t.no_events_yet
        } else if state.events.with(Vec::is_empty) {
            t.loading
        } else {
            t.empty_month
        };
        // Nothing planned at all: said plainly, with how events are added.
        let nothing = state
            .events
            .with(|e| !e.is_empty() && upcoming(today_jst(), e).is_empty())
            .then(|| {
                view! { <div inner_html=tsunagari_core::html::nothing_upcoming_note(lang)></div> }
            });
        view! {
            <div class="empty" data-testid="empty-month">
                <p>{message}</p>
                {nothing}
                {link}
            </div>
        }
    }
}

/// The chosen day's events, below the grid.
#[component]
fn DayEvents(
    selected: RwSignal<Option<Date>>,
    month: Memo<YearMonth>,
    grid_events: Memo<Vec<Event>>,
) -> impl IntoView {
    let lang = use_app().lang;
    move || {
        let lang = lang.get();
        let t = lang.texts();
        let day = selected.get().filter(|d| d.year_month() == month.get());
        let Some(day) = day else {
            // No day chosen: the month's events, day by day, as the
            // server's page lists them (`html::month_events`).
            let (list, listed) = grid_events.with(|events| {
                tsunagari_core::html::month_events(events, month.get(), lang, today_jst())
            });
            let list = (listed > 0).then(|| {
                view! { <section class="month-events" data-testid="month-events" inner_html=list></section> }
            });
            return view! {
                <p class="hint">{t.pick_day}</p>
                {list}
            }
            .into_any();
        };
        let list = grid_events.with(|events| {
            let found = events_on(day, events);
            if found.is_empty() {
                return view! { <p class="empty">{t.day_no_events}</p> }.into_any();
            }
            let items = found
                .into_iter()
                .map(|i| event_ui::event_item(&events[i], lang, YearStyle::Omit, today_jst()))
                .collect_view();
            view! { <ul class="event-list">{items}</ul> }.into_any()
        });
        view! {
            <section class="day-events" data-testid="day-events" aria-live="polite">
                <h2>{i18n::long_date(lang, day)}</h2>
                {list}
            </section>
        }
        .into_any()
    }
}
