//! The release bundle's size: raw, gzip and brotli, per file of the app shell.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

pub struct FileSize {
    pub name: String,
    pub raw: usize,
    pub gzip: usize,
    pub brotli: usize,
}

fn gzip_len(bytes: &[u8]) -> Result<usize> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes)?;
    Ok(enc.finish()?.len())
}

fn brotli_len(bytes: &[u8]) -> Result<usize> {
    let mut out = Vec::new();
    {
        let mut enc = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        enc.write_all(bytes)?;
    }
    Ok(out.len())
}

/// The app shell's files in `dist`: wasm, js, css, html (icons and the
/// manifest are not part of the shell the budget counts).
pub fn app_shell(dist: &Path) -> Result<Vec<FileSize>> {
    let mut sizes = Vec::new();
    for entry in std::fs::read_dir(dist).with_context(|| format!("reading {}", dist.display()))? {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let shell = ["wasm", "js", "css", "html"]
            .iter()
            .any(|ext| path.extension().is_some_and(|e| e == *ext));
        if !shell || !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        sizes.push(FileSize {
            name,
            raw: bytes.len(),
            gzip: gzip_len(&bytes)?,
            brotli: brotli_len(&bytes)?,
        });
    }
    sizes.sort_by_key(|f| std::cmp::Reverse(f.raw));
    Ok(sizes)
}

pub fn kb(n: usize) -> String {
    format!("{:.1} KB", n as f64 / 1000.0)
}
