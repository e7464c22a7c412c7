//! The account and submission commands: `create-account`, `invite`,
//! `members`, `revoke`, `export-submissions`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use tsunagari_server::auth::{self, AuthError, DEFAULT_INVITATION_DAYS};
use tsunagari_server::clock::Millis;
use tsunagari_server::export;

use super::{Command, open_store, split};

/// The longest invitation `invite --days` makes.
const MAX_INVITATION_DAYS: i64 = 365;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountCommand {
    CreateAccount {
        group: String,
    },
    Invite {
        group: String,
        days: i64,
    },
    Members {
        group: String,
    },
    Revoke {
        login: String,
    },
    ExportSubmissions {
        format: Format,
        out: Option<PathBuf>,
    },
}

/// `Some` for the commands of this module.
pub fn parse(command: &str, rest: &[String], data_dir: PathBuf) -> Result<Option<Command>> {
    let known: &[&str] = match command {
        "create-account" | "members" => &["group", "data-dir"],
        "invite" => &["group", "days", "data-dir"],
        "revoke" => &["login", "data-dir"],
        "export-submissions" => &["format", "out", "data-dir"],
        _ => return Ok(None),
    };
    let (options, positional) = split(rest, known)?;
    if let Some(extra) = positional.first() {
        bail!("{command} takes no argument {extra:?}");
    }
    let mut data_dir = data_dir;
    let value = |name: &str| {
        options
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    if let Some(dir) = value("data-dir") {
        data_dir = dir.into();
    }
    let group = || value("group").with_context(|| format!("{command} needs --group ID"));
    let command = match command {
        "create-account" => AccountCommand::CreateAccount { group: group()? },
        "members" => AccountCommand::Members { group: group()? },
        "invite" => {
            let days = match value("days") {
                None => DEFAULT_INVITATION_DAYS,
                Some(d) => d
                    .parse()
                    .ok()
                    .filter(|d| (1..=MAX_INVITATION_DAYS).contains(d))
                    .with_context(|| format!("--days {d:?} is not 1 to {MAX_INVITATION_DAYS}"))?,
            };
            AccountCommand::Invite {
                group: group()?,
                days,
            }
        }
        "revoke" => AccountCommand::Revoke {
            login: value("login").context("revoke needs --login NAME")?,
        },
        _ => {
            let format = match value("format").as_deref() {
                Some("json") => Format::Json,
                Some("csv") => Format::Csv,
                other => {
                    bail!("export-submissions needs --format json or --format csv (got {other:?})")
                }
            };
            AccountCommand::ExportSubmissions {
                format,
                out: value("out").map(PathBuf::from),
            }
        }
    };
    Ok(Some(Command::Accounts { command, data_dir }))
}

fn now() -> Result<Millis> {
    Millis::now().context("the system clock is before 1970")
}

fn explain(e: AuthError) -> anyhow::Error {
    match e {
        AuthError::UnknownGroup(id) => anyhow::anyhow!(
            "there is no group {id:?} in the directory (see GET /api/groups; import-groups adds groups)"
        ),
        e => e.into(),
    }
}

pub async fn run(command: AccountCommand, data_dir: &Path) -> Result<()> {
    let store = open_store(data_dir).await?;
    let outcome = run_on(&store, command).await;
    store.close().await;
    outcome
}

async fn run_on(store: &tsunagari_server::Store, command: AccountCommand) -> Result<()> {
    match command {
        AccountCommand::CreateAccount { group } => {
            let created = auth::create_account(store, &group, now()?)
                .await
                .map_err(explain)?;
            if created {
                println!("tsunagari: created the account of {group}");
            } else {
                println!("tsunagari: the account of {group} already exists");
            }
        }
        AccountCommand::Invite { group, days } => {
            let code = auth::invite(store, &group, days, now()?)
                .await
                .map_err(explain)?;
            // Only the code on stdout, so scripts can capture it.
            println!("{code}");
            eprintln!("tsunagari: invitation for {group}, valid for {days} days, single use");
        }
        AccountCommand::Members { group } => {
            let members = auth::members(store, &group).await.map_err(|e| match e {
                AuthError::UnknownGroup(id) => {
                    anyhow::anyhow!("the group {id:?} has no account (create-account --group {id})")
                }
                e => e.into(),
            })?;
            let when = |ms: i64| Millis(ms).rfc3339().unwrap_or_else(|| ms.to_string());
            for m in &members {
                let state = match m.revoked_at {
                    Some(at) => format!("revoked {}", when(at)),
                    None => "active".to_string(),
                };
                println!("{}\tcreated {}\t{state}", m.login, when(m.created_at));
            }
            eprintln!("tsunagari: {} members of {group}", members.len());
        }
        AccountCommand::Revoke { login } => {
            if !auth::revoke(store, &login, now()?).await? {
                bail!("no member with the login {login:?} (nothing revoked)");
            }
            println!("tsunagari: revoked {login} and ended its sessions");
        }
        AccountCommand::ExportSubmissions { format, out } => {
            let submissions = export::submissions(store)
                .await
                .context("reading the submissions")?;
            let text = match format {
                Format::Json => export::to_json(&submissions).context("encoding JSON")?,
                Format::Csv => export::to_csv(&submissions),
            };
            match out {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => {
                    let mut stdout = std::io::stdout().lock();
                    stdout
                        .write_all(text.as_bytes())
                        .and_then(|()| stdout.flush())
                        .context("writing to stdout")?;
                }
            }
            eprintln!("tsunagari: {} submitted proposals", submissions.len());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    fn parsed(s: &str) -> Result<AccountCommand> {
        let args = args(s);
        let (command, rest) = args.split_first().expect("a command");
        match parse(command, rest, "data/run".into())? {
            Some(Command::Accounts { command, .. }) => Ok(command),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn account_commands() {
        assert_eq!(
            parsed("invite --group shijima-kizuna-chokai").expect("parses"),
            AccountCommand::Invite {
                group: "shijima-kizuna-chokai".into(),
                days: 14
            }
        );
        assert_eq!(
            parsed("invite --group g --days 3").expect("parses"),
            AccountCommand::Invite {
                group: "g".into(),
                days: 3
            }
        );
        assert_eq!(
            parsed("export-submissions --format csv --out s.csv").expect("parses"),
            AccountCommand::ExportSubmissions {
                format: Format::Csv,
                out: Some("s.csv".into())
            }
        );
        for bad in [
            "invite",
            "invite --group g --days 0",
            "invite --group g --days x",
            "revoke",
            "members g",
            "export-submissions",
            "export-submissions --format xml",
            "create-account --login x",
        ] {
            assert!(parsed(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
