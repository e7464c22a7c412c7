//! The account, round and submission commands: `create-account`,
//! `invite`, `invite-staff`, `members`, `revoke`, `publish-round`,
//! `export-submissions`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use tsunagari_server::auth::{self, AuthError, DEFAULT_INVITATION_DAYS};
use tsunagari_server::clock::Millis;
use tsunagari_server::{export, rounds};

use super::open_store;

/// The longest invitation `invite --days` makes.
const MAX_INVITATION_DAYS: i64 = 365;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Csv,
}

#[derive(Debug, Clone, PartialEq, Eq, clap::Subcommand)]
pub enum AccountCommand {
    /// Create the group's account (no invitation: `invite` makes one).
    CreateAccount {
        #[arg(long, value_name = "ID")]
        group: String,
    },
    /// Create the group's account if needed and print a single-use invitation code.
    Invite {
        #[arg(long, value_name = "ID")]
        group: String,
        /// How long the code is valid, in days.
        #[arg(
            long,
            default_value_t = DEFAULT_INVITATION_DAYS,
            value_parser = clap::value_parser!(i64).range(1..=MAX_INVITATION_DAYS),
        )]
        days: i64,
    },
    /// Print a single-use invitation code for a city staff member (signs in
    /// on /signin like a group member; reaches the staff endpoints only).
    InviteStaff {
        /// How long the code is valid, in days.
        #[arg(
            long,
            default_value_t = DEFAULT_INVITATION_DAYS,
            value_parser = clap::value_parser!(i64).range(1..=MAX_INVITATION_DAYS),
        )]
        days: i64,
    },
    /// Publish a round (募集) file, or a new version of one (a higher "version").
    PublishRound {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// List a group's members.
    Members {
        #[arg(long, value_name = "ID")]
        group: String,
    },
    /// Revoke a member: its sessions end at once.
    Revoke {
        #[arg(long, value_name = "NAME")]
        login: String,
    },
    /// The submitted proposals (CSV: UTF-8 with BOM for Excel).
    ExportSubmissions {
        #[arg(long, value_enum)]
        format: Format,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The city whose 部門 labels name a draft's 部門 when no round does.
        #[arg(long, value_name = "FILE", default_value = "data/city.json")]
        city: PathBuf,
    },
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
        AccountCommand::InviteStaff { days } => {
            let code = auth::invite_staff(store, days, now()?).await?;
            println!("{code}");
            eprintln!("tsunagari: staff invitation, valid for {days} days, single use");
        }
        AccountCommand::PublishRound { file } => {
            let json = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let (round, new) = rounds::publish(store, &json, now()?)
                .await
                .with_context(|| format!("publishing {}", file.display()))?;
            if new {
                println!(
                    "tsunagari: published {} version {} ({}, {} divisions, {} departments, open {} – {})",
                    round.id,
                    round.version,
                    round.title_ja,
                    round.divisions.len(),
                    round.departments.len(),
                    round.period.opens,
                    round.period.closes
                );
            } else {
                println!(
                    "tsunagari: {} version {} is already published as is (nothing changed)",
                    round.id, round.version
                );
            }
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
        AccountCommand::ExportSubmissions { format, out, city } => {
            let city = super::load_city(&city)?;
            let submissions = export::submissions(store, &city)
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
    use crate::cli::Command;

    fn parsed(s: &str) -> Result<AccountCommand, clap::Error> {
        match crate::cli::tests::parse(s)?.command {
            Command::Accounts(command) => Ok(command),
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
                out: Some("s.csv".into()),
                city: "data/city.json".into(),
            }
        );
        for bad in [
            "invite",
            "invite --group g --days 0",
            "invite --group g --days 366",
            "invite --group g --days x",
            "revoke",
            "members g",
            "export-submissions",
            "export-submissions --format xml",
            "create-account --login x",
        ] {
            let e = parsed(bad).expect_err(bad);
            assert_eq!(e.exit_code(), 2, "{bad:?}: {e}");
        }
    }
}
