//! `/groups/:id`: one group, its challenge-program history, and whom to ask.

use crate::i18n::{self, Lang};
use crate::routes::not_found::NotFound;
use crate::state::{set_title, use_app};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use std::sync::OnceLock;
use tsunagari_core::calendar::upcoming;
use tsunagari_core::{CityContact, Event, Group, YearStyle};

/// The city's contact points, compiled in: they change with the printed
/// newsletters, not with the directory.
fn city_contacts() -> &'static [CityContact] {
    static CONTACTS: OnceLock<Vec<CityContact>> = OnceLock::new();
    CONTACTS.get_or_init(|| {
        let json = include_str!("../../../data/city_contacts.json");
        // serde_json, which the shell has for the feeds: no second decoder.
        serde_json::from_str(json).unwrap_or_else(|e| {
            let e = crate::api::json_error(&e);
            leptos::logging::warn!("data/city_contacts.json is unreadable: {e}");
            Vec::new()
        })
    })
}

#[component]
pub fn GroupPage() -> impl IntoView {
    let state = use_app();
    let params = use_params_map();
    let group = Memo::new(move |_| {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        state
            .groups
            .with(|groups| groups.iter().find(|g| g.id == id).cloned())
    });
    move || match group.get() {
        Some(group) => view! { <GroupDetail group=group/> }.into_any(),
        None if state.ready.get() => view! { <NotFound group=true/> }.into_any(),
        None => view! {
            <div class="container page">
                <p class="empty">{move || state.lang.get().texts().loading}</p>
            </div>
        }
        .into_any(),
    }
}

#[component]
fn GroupDetail(group: Group) -> impl IntoView {
    let lang = use_app().lang;
    let name = group.name.clone();
    Effect::new(move |_| set_title(&name, lang.get()));
    let group = StoredValue::new(group);
    move || {
        let lang = lang.get();
        let t = lang.texts();
        group.with_value(|g| {
            view! {
                <article class="container page detail">
                    <p class="back">
                        <a href="/groups">"← " {t.back_to_list}</a>
                    </p>
                    <h1>{g.name.clone()}</h1>
                    {g.reading.clone().map(|r| view! { <p class="reading" aria-label=t.reading>{r}</p> })}
                    <p class="badges">
                        <span class="visually-hidden">{t.kind} ": "</span>
                        <span class="badge">{i18n::kind_label(lang, g.kind)}</span>
                    </p>
                    {(!g.registrations.is_empty()).then(|| registrations(g, lang))}
                    <section aria-labelledby="about">
                        <h2 id="about">{t.about}</h2>
                        {g.description.lines().filter(|l| !l.trim().is_empty()).map(|l| view! { <p>{l.to_string()}</p> }).collect_view()}
                        {(!g.activities.is_empty()).then(|| activities(g, t))}
                    </section>
                    <GroupEvents id=g.id.clone()/>
                    {programs(g, lang)}
                    {(!g.contacts.is_empty()).then(|| group_contacts(g, t))}
                    {city_contact_list(lang)}
                </article>
            }
        })
    }
}

/// The group's events, soonest first; nothing at all when it has none.
#[component]
fn GroupEvents(id: String) -> impl IntoView {
    let state = use_app();
    let found = Memo::new(move |_| {
        state.events.with(|events| {
            let mine: Vec<Event> = events
                .iter()
                .filter(|e| e.organiser_group_id.as_deref() == Some(id.as_str()))
                .cloned()
                .collect();
            // Soonest first (core's agenda order; no extra sort in the bundle).
            upcoming(crate::event_ui::epoch(), &mine)
                .into_iter()
                .map(|i| mine[i].clone())
                .collect::<Vec<Event>>()
        })
    });
    move || {
        let lang = state.lang.get();
        found.with(|events| {
            (!events.is_empty()).then(|| {
                let items = events
                    .iter()
                    .map(|e| crate::event_ui::event_item(e, lang, YearStyle::Gregorian))
                    .collect_view();
                view! {
                    <section aria-labelledby="group-events" data-testid="group-events">
                        <h2 id="group-events">{lang.texts().group_events}</h2>
                        <ul class="event-list">{items}</ul>
                    </section>
                }
            })
        })
    }
}

fn registrations(g: &Group, lang: Lang) -> impl IntoView + use<> {
    view! {
        <ul class="badges" aria-label=lang.texts().registrations>
            {g.registrations
                .iter()
                .map(|r| view! { <li class="badge alt">{i18n::registration_label(lang, *r)}</li> })
                .collect_view()}
        </ul>
    }
}

fn activities(g: &Group, t: &'static i18n::Texts) -> impl IntoView + use<> {
    view! {
        <h3>{t.activities}</h3>
        <ul class="plain-list">
            {g.activities.iter().map(|a| view! { <li>{a.clone()}</li> }).collect_view()}
        </ul>
    }
}

fn programs(g: &Group, lang: Lang) -> impl IntoView + use<> {
    let t = lang.texts();
    let rows = if g.programs.is_empty() {
        view! { <tr><td colspan="4">{t.no_programs}</td></tr> }.into_any()
    } else {
        let mut entries = g.programs.clone();
        tsunagari_core::sort::sort_by(&mut entries, |a, b| b.fiscal_year.cmp(&a.fiscal_year));
        entries
            .into_iter()
            .map(|p| {
                view! {
                    <tr>
                        <td data-label=t.fiscal_year>{i18n::fiscal_year(lang, p.fiscal_year)}</td>
                        <td data-label=t.division>{i18n::division_label(lang, p.division)}</td>
                        <td data-label=t.program_title>{p.title}</td>
                        <td data-label=t.department>{p.department.unwrap_or_else(|| "—".into())}</td>
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <section aria-labelledby="programs">
            <h2 id="programs">{t.programs}</h2>
            <table class="history" data-testid="program-history">
                <thead>
                    <tr>
                        <th scope="col">{t.fiscal_year}</th>
                        <th scope="col">{t.division}</th>
                        <th scope="col">{t.program_title}</th>
                        <th scope="col">{t.department}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

/// A contact line as printed: web addresses become links, the rest is text.
fn contact_line(line: &str) -> AnyView {
    let line = line.to_string();
    if line.starts_with("https://") || line.starts_with("http://") {
        let href = line.clone();
        view! { <a href=href rel="external noopener" target="_blank">{line}</a> }.into_any()
    } else {
        view! { <span>{line}</span> }.into_any()
    }
}

fn group_contacts(g: &Group, t: &'static i18n::Texts) -> impl IntoView + use<> {
    view! {
        <section aria-labelledby="group-contacts">
            <h2 id="group-contacts">{t.group_contacts}</h2>
            <ul class="plain-list contacts">
                {g.contacts.iter().map(|c| view! { <li>{contact_line(c)}</li> }).collect_view()}
            </ul>
        </section>
    }
}

fn city_contact_list(lang: Lang) -> impl IntoView {
    let t = lang.texts();
    let items = city_contacts()
        .iter()
        .map(|c| {
            let name = match (lang, &c.name_en) {
                (Lang::En, Some(en)) => en.clone(),
                _ => c.name.clone(),
            };
            let phone = c.phone.clone().map(|p| {
                let tel = format!("tel:{}", p.replace(['-', ' '], ""));
                view! { <li>{t.phone} ": " <a href=tel rel="external">{p}</a></li> }
            });
            let fax = c.fax.clone().map(|f| view! { <li>{t.fax} ": " {f}</li> });
            let email = c.email.clone().map(|e| {
                let mailto = format!("mailto:{e}");
                view! { <li>{t.email} ": " <a href=mailto rel="external">{e}</a></li> }
            });
            let address = c
                .address
                .clone()
                .map(|a| view! { <li>{t.address} ": " {a}</li> });
            view! {
                <li class="contact-card">
                    <h3>{name}</h3>
                    <p class="role">{c.role.clone()}</p>
                    <ul class="plain-list">{address} {phone} {fax} {email}</ul>
                </li>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="city-contacts">
            <h2 id="city-contacts">{t.city_contacts}</h2>
            <ul class="contact-list">{items}</ul>
        </section>
    }
}
