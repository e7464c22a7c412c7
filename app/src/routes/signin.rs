//! `/signin`: a group member registers with an invitation code (招待コード),
//! or signs in. The session is kept on this device for offline use. Every
//! problem is said at its field (an empty or wrong code at the code, a
//! taken name at the name); only what belongs to no field (no network, too
//! many tries) is said above the button. The first field with a problem
//! takes the focus.

use crate::api;
use crate::drafts::use_drafts;
use crate::i18n::LangExt as _;
use crate::i18n::{self, Lang};
use crate::state::{set_title, use_app};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use tsunagari_core::account::{
    AccountError, RedeemRequest, SignInRequest, check_login, check_passphrase, normalize_login,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Redeem,
    SignIn,
}

fn message(lang: Lang, e: &AccountError) -> &'static str {
    match lang {
        Lang::Ja => e.message_ja,
        Lang::En => e.message_en,
    }
}

/// The server's refusal `code` as a field's message, in both languages.
fn api_message(code: &str) -> AccountError {
    AccountError {
        message_ja: i18n::api_error(Lang::Ja, code),
        message_en: i18n::api_error(Lang::En, code),
    }
}

/// Which field a server's refusal belongs to.
#[derive(Clone, Copy)]
enum At {
    Code,
    Login,
    Passphrase,
    Form,
}

fn field_of(code: &str) -> At {
    match code {
        "invalid_code" => At::Code,
        "login_taken" => At::Login,
        "bad_credentials" => At::Passphrase,
        _ => At::Form,
    }
}

fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(e) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = e.focus();
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let state = use_app();
    let d = use_drafts();
    let lang = state.lang;
    let t = move || lang.get().drafts();
    Effect::new(move |_| set_title(t().signin_title, lang.get()));
    let mode = RwSignal::new(Mode::Redeem);
    let tab = move |m: Mode, label: fn(&'static i18n::DraftTexts) -> &'static str| {
        view! {
            <button
                type="button"
                class="tab"
                aria-pressed=move || (mode.get() == m).to_string()
                on:click=move |_| mode.set(m)
            >
                {move || label(t())}
            </button>
        }
    };
    let signed_in = move || {
        d.session.get().map(|s| {
            view! {
                <div class="notice" data-testid="signed-in">
                    <p>{move || t().signed_in_as} ": " {s.login.clone()} " (" {s.group_name.clone()} ")"</p>
                    <p>
                        <a class="button" href="/drafts">{move || t().drafts_title}</a>
                        " "
                        <button
                            type="button"
                            class="button secondary"
                            on:click=move |_| leptos::task::spawn_local(d.sign_out())
                        >
                            {move || t().sign_out}
                        </button>
                    </p>
                </div>
            }
        })
    };
    view! {
        <div class="container page narrow">
            <h1>{move || t().signin_title}</h1>
            {signed_in}
            <div class="tabs" role="group">
                {tab(Mode::Redeem, |t| t.redeem_tab)}
                {tab(Mode::SignIn, |t| t.signin_tab)}
            </div>
            {move || view! { <AccountForm mode=mode.get()/> }}
        </div>
    }
}

#[component]
fn AccountForm(mode: Mode) -> impl IntoView {
    let state = use_app();
    let d = use_drafts();
    let lang = state.lang;
    let t = move || lang.get().drafts();
    let navigate = use_navigate();
    let code = RwSignal::new(String::new());
    let login = RwSignal::new(String::new());
    let passphrase = RwSignal::new(String::new());
    let code_error = RwSignal::new(None::<AccountError>);
    let login_error = RwSignal::new(None::<AccountError>);
    let pass_error = RwSignal::new(None::<AccountError>);
    let form_error = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(false);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let lang = lang.get_untracked();
        let name = normalize_login(&login.get_untracked());
        code_error.set(
            (mode == Mode::Redeem && code.get_untracked().trim().is_empty()).then_some(
                AccountError {
                    message_ja: Lang::Ja.drafts().code_missing,
                    message_en: Lang::En.drafts().code_missing,
                },
            ),
        );
        login_error.set(check_login(&name).err());
        pass_error.set(match mode {
            Mode::Redeem => check_passphrase(&passphrase.get_untracked()).err(),
            Mode::SignIn => None,
        });
        form_error.set(None);
        let first = [
            ("invite-code", code_error),
            ("login", login_error),
            ("passphrase", pass_error),
        ]
        .into_iter()
        .find(|(_, e)| e.with_untracked(Option::is_some));
        if let Some((id, _)) = first {
            focus(id);
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let pass = passphrase.get_untracked();
            let answer = match mode {
                Mode::Redeem => {
                    api::redeem(&RedeemRequest {
                        code: code.get_untracked().trim().to_string(),
                        login: name,
                        passphrase: pass,
                    })
                    .await
                }
                Mode::SignIn => {
                    api::sign_in(&SignInRequest {
                        login: name,
                        passphrase: pass,
                    })
                    .await
                }
            };
            busy.set(false);
            match answer {
                Ok(session) => {
                    d.signed_in(session).await;
                    navigate("/drafts", Default::default());
                }
                Err(api::ApiError::Network(_)) => form_error.set(Some(lang.drafts().error_network)),
                Err(e) => {
                    let code = e.code().unwrap_or("");
                    let (signal, id) = match field_of(code) {
                        At::Code => (code_error, "invite-code"),
                        At::Login => (login_error, "login"),
                        At::Passphrase => (pass_error, "passphrase"),
                        At::Form => {
                            form_error.set(Some(i18n::api_error(lang, code)));
                            return;
                        }
                    };
                    signal.set(Some(api_message(code)));
                    focus(id);
                }
            }
        });
    };

    let field_error = move |id: &'static str, e: RwSignal<Option<AccountError>>| {
        move || {
            e.get().map(|e| {
                view! { <p class="field-error" id=id data-testid="field-error">{message(lang.get(), &e)}</p> }
            })
        }
    };
    let redeem = mode == Mode::Redeem;
    view! {
        <form class="account-form" on:submit=on_submit novalidate>
            <Show when=move || redeem>
                <p class="help">{move || t().redeem_help}</p>
                <div class="field">
                    <label for="invite-code">{move || t().code}</label>
                    <input
                        id="invite-code"
                        autocomplete="one-time-code"
                        autocapitalize="characters"
                        required
                        aria-describedby="invite-code-error"
                        aria-invalid=move || code_error.with(Option::is_some).to_string()
                        on:input=move |ev| code.set(event_target_value(&ev))
                    />
                    {field_error("invite-code-error", code_error)}
                </div>
            </Show>
            <div class="field">
                <label for="login">{move || t().login}</label>
                <input
                    id="login"
                    autocomplete="username"
                    autocapitalize="none"
                    required
                    aria-describedby="login-help login-error"
                    aria-invalid=move || login_error.with(Option::is_some).to_string()
                    on:input=move |ev| login.set(event_target_value(&ev))
                />
                <p class="help" id="login-help">{move || t().login_help}</p>
                {field_error("login-error", login_error)}
            </div>
            <div class="field">
                <label for="passphrase">{move || t().passphrase}</label>
                <input
                    id="passphrase"
                    type="password"
                    autocomplete=if redeem { "new-password" } else { "current-password" }
                    required
                    aria-describedby="passphrase-help passphrase-error"
                    aria-invalid=move || pass_error.with(Option::is_some).to_string()
                    on:input=move |ev| passphrase.set(event_target_value(&ev))
                />
                <Show when=move || redeem>
                    <p class="help" id="passphrase-help">{move || t().passphrase_help}</p>
                </Show>
                {field_error("passphrase-error", pass_error)}
            </div>
            <p class="form-error" role="alert" data-testid="form-error">
                {move || form_error.get()}
            </p>
            <button type="submit" class="button" disabled=move || busy.get()>
                {move || {
                    if busy.get() {
                        t().sending
                    } else if redeem {
                        t().redeem_button
                    } else {
                        t().signin_button
                    }
                }}
            </button>
        </form>
    }
}
