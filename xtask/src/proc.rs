//! Running child processes, and the summary the test command ends with.

use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use std::process::Command;

/// A command with the project's tool directory on PATH.
pub fn cmd(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut c = Command::new(program);
    c.env("PATH", crate::tools::path_with_tools());
    c
}

/// Run a command, saying what it is for; fail if it fails.
pub fn step(what: &str, command: &mut Command) -> Result<()> {
    println!("\nxtask: {what}\n  $ {}", show(command));
    let status = command
        .status()
        .with_context(|| format!("could not start {}", show(command)))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

pub fn show(command: &Command) -> String {
    let mut s = command.get_program().to_string_lossy().into_owned();
    for a in command.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Path of a binary in target/release.
pub fn release_bin(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::workspace_root().join("target"));
    target.join("release").join(name)
}

/// Which test suites passed; printed at the end of `cargo xtask test`.
#[derive(Default)]
pub struct Summary {
    results: Vec<(String, Option<String>)>,
}

impl Summary {
    pub fn record(&mut self, suite: &str, result: Result<()>) {
        self.results
            .push((suite.to_string(), result.err().map(|e| format!("{e:#}"))));
    }

    pub fn finish(self) -> Result<()> {
        println!("\nxtask: test suites");
        let mut failed = 0;
        for (suite, err) in &self.results {
            match err {
                None => println!("  ok    {suite}"),
                Some(e) => {
                    failed += 1;
                    println!("  FAIL  {suite}: {e}");
                }
            }
        }
        let passed = self.results.len() - failed;
        println!("suites: {passed} passed, {failed} failed");
        if failed > 0 {
            bail!("{failed} test suite(s) failed");
        }
        Ok(())
    }
}
