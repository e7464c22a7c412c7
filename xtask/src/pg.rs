//! A throwaway PostgreSQL 15 cluster for the server's storage tests.
//!
//! PostgreSQL refuses to run as root, so as root the cluster belongs to the
//! `postgres` user (`runuser`). It listens on 127.0.0.1 only, trusts local
//! connections as user `app`, and is stopped and removed afterwards, whatever
//! the tests did.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::tools::{PG_BIN, is_root};

struct Cluster {
    /// Holds the data directory, the socket and the log; removed on drop.
    root: PathBuf,
    as_postgres: bool,
}

impl Cluster {
    fn data(&self) -> PathBuf {
        self.root.join("data")
    }

    fn pg(&self, tool: &str) -> Command {
        let bin = Path::new(PG_BIN).join(tool);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(bin);
            c
        } else {
            Command::new(bin)
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .pg("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "stop"])
            .stdout(std::process::Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// A free TCP port on loopback.
fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// Start a cluster, call `f` with its URL, stop and remove it.
pub fn with_cluster(f: impl FnOnce(&str) -> Result<()>) -> Result<()> {
    let root = std::env::temp_dir().join(format!("tsunagari-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).context("creating the cluster's directory")?;
    let cluster = Cluster {
        root,
        as_postgres: is_root(),
    };
    if cluster.as_postgres {
        crate::proc::step(
            "hand the cluster directory to postgres",
            Command::new("chown")
                .arg("postgres:postgres")
                .arg(&cluster.root),
        )?;
    }
    crate::proc::step(
        "initdb a throwaway PostgreSQL cluster",
        cluster
            .pg("initdb")
            .arg("-D")
            .arg(cluster.data())
            .args(["-A", "trust", "-U", "app", "--no-sync"])
            .stdout(std::process::Stdio::null()),
    )?;
    let port = free_port()?;
    let opts = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
        cluster.root.display()
    );
    let mut start = cluster.pg("pg_ctl");
    start
        .arg("-D")
        .arg(cluster.data())
        .args(["-o", &opts, "-l"])
        .arg(cluster.root.join("log"))
        .args(["start", "-w"]);
    if let Err(e) = crate::proc::step(&format!("start PostgreSQL on 127.0.0.1:{port}"), &mut start)
    {
        let log = std::fs::read_to_string(cluster.root.join("log")).unwrap_or_default();
        bail!("{e:#}\n{log}");
    }
    f(&format!("postgres://app@127.0.0.1:{port}/postgres"))
}
