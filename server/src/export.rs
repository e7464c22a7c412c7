//! `export-submissions`: the submitted proposals, for the city's staff, as
//! JSON or as a CSV that Excel opens in Japan (UTF-8 with BOM, CRLF,
//! RFC 4180 quoting, one header row, no cell a spreadsheet would run as a
//! formula: see [`tsunagari_core::csv`]). Each row ends with its 受付番号
//! and the review's status.

use serde::Serialize;
use tsunagari_core::city::CityConfig;
use tsunagari_core::csv;
use tsunagari_core::i18n::Lang;
use tsunagari_core::proposal::Proposal;
use tsunagari_core::review::Status;
use tsunagari_core::round::round_of;
use tsunagari_core::sync::Draft;

use crate::groups;
use crate::store::{Store, StoreError};

/// One submitted proposal with what a reader needs beside the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Submission {
    pub draft_id: String,
    pub group_id: String,
    /// The directory's name, or the id when the group left the directory.
    pub group_name: String,
    pub submitted_at: String,
    /// `令和7年度`.
    pub fiscal_year_ja: String,
    /// `一般部門`.
    pub division_ja: String,
    pub income_total_yen: u64,
    pub expense_total_yen: u64,
    /// 受付番号 (empty for a submission stored before receipts existed).
    pub receipt_no: String,
    /// The review's status code (`submitted`, `under_review`, …).
    pub status: String,
    /// `提出`, `審査中`, …
    pub status_ja: String,
    /// Every field as the group wrote it.
    pub proposal: Proposal,
}

/// Every submitted, not deleted draft, oldest submission first.
pub async fn submissions(store: &Store, city: &CityConfig) -> Result<Vec<Submission>, StoreError> {
    let mut out = Vec::new();
    let rounds = store.rounds().await?;
    for draft in store.submitted_drafts().await? {
        let group_name = groups::get(store, &draft.group_id)
            .await?
            .map_or_else(|| draft.group_id.clone(), |g| g.name);
        // The 部門's label from the draft's round, else the city file's.
        let division = &draft.proposal.division;
        let division_ja = round_of(&draft.proposal, &rounds)
            .and_then(|r| r.division(division))
            .map_or_else(
                || city.division_label(Lang::Ja, division),
                |d| d.label_ja.clone(),
            );
        out.push(submission(draft, group_name, division_ja));
    }
    Ok(out)
}

fn submission(draft: Draft, group_name: String, division_ja: String) -> Submission {
    let totals = draft.proposal.totals();
    let status = draft
        .review
        .as_ref()
        .map_or(Status::Submitted, |r| r.status);
    Submission {
        draft_id: draft.id.to_string(),
        group_id: draft.group_id,
        group_name,
        submitted_at: draft.submitted_at.unwrap_or_default(),
        fiscal_year_ja: draft.proposal.fiscal_year_ja(),
        division_ja,
        income_total_yen: totals.income_yen,
        expense_total_yen: totals.expense_yen,
        receipt_no: draft
            .review
            .as_ref()
            .map(|r| r.receipt_no.clone())
            .unwrap_or_default(),
        status: status.code().to_string(),
        status_ja: status.label_ja().to_string(),
        proposal: draft.proposal,
    }
}

/// A JSON array, pretty-printed, ending with a newline.
pub fn to_json(submissions: &[Submission]) -> Result<String, serde_json::Error> {
    Ok(serde_json::to_string_pretty(submissions)? + "\n")
}

const HEADER: [&str; 27] = [
    "下書きID",
    "団体ID",
    "団体名",
    "提出日時",
    "年度",
    "年度（西暦）",
    "部門",
    "事業名",
    "収入合計（円）",
    "支出合計（円）",
    "事業の概要",
    "事業の目的",
    "解決したい地域の課題",
    "活動内容",
    "実施スケジュール",
    "実施場所",
    "期待される成果",
    "役割分担",
    "協働課",
    "収支予算",
    "担当者",
    "代表者氏名",
    "所在地",
    "電話番号",
    "メールアドレス",
    "受付番号",
    "状態",
];

fn record(out: &mut String, values: &[String]) {
    csv::write_record(out, values.iter().map(String::as_str));
}

/// The CSV: BOM, header row, one row per submission; lists (schedule,
/// budget) are one line per item inside their cell.
pub fn to_csv(submissions: &[Submission]) -> String {
    let mut out = String::from("\u{feff}");
    record(&mut out, &HEADER.map(String::from));
    for s in submissions {
        let p = &s.proposal;
        let schedule = p
            .schedule
            .iter()
            .map(|m| format!("{} {}", m.date, m.what))
            .collect::<Vec<_>>()
            .join("\n");
        let budget = p
            .budget
            .iter()
            .map(|l| format!("{} {} {}円", l.kind.label_ja(), l.item, l.yen()))
            .collect::<Vec<_>>()
            .join("\n");
        record(
            &mut out,
            &[
                s.draft_id.clone(),
                s.group_id.clone(),
                s.group_name.clone(),
                s.submitted_at.clone(),
                s.fiscal_year_ja.clone(),
                p.fiscal_year.to_string(),
                s.division_ja.clone(),
                p.title.clone(),
                s.income_total_yen.to_string(),
                s.expense_total_yen.to_string(),
                p.summary.clone(),
                p.purpose.clone(),
                p.local_issue.clone(),
                p.activities.clone(),
                schedule,
                p.place.clone(),
                p.outcomes.clone(),
                p.role_division.clone(),
                p.department.clone(),
                budget,
                p.contact_person.clone(),
                p.representative.clone(),
                p.address.clone(),
                p.phone.clone(),
                p.email.clone(),
                s.receipt_no.clone(),
                s.status_ja.clone(),
            ],
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        let mut out = String::new();
        record(
            &mut out,
            &["a".into(), "b,c".into(), "say \"hi\"".into(), "1\n2".into()],
        );
        assert_eq!(out, "a,\"b,c\",\"say \"\"hi\"\"\",\"1\n2\"\r\n");
    }

    /// A title or summary a spreadsheet would run (`=HYPERLINK(…)`, `@`,
    /// a full-width `＝`) is written as text: a leading `'`.
    #[test]
    fn formulas_in_a_proposal_are_text() {
        let mut proposal = tsunagari_core::synthetic::valid_proposal("porepore");
        proposal.title = "=HYPERLINK(\"http://evil.example/\",\"詳細\")".into();
        proposal.summary = "@SUM(1+1)*cmd|' /C calc'!A0".into();
        proposal.purpose = "＝１＋１".into();
        proposal.place = "-2+3".into();
        let s = Submission {
            draft_id: "draft-0001".into(),
            group_id: "porepore".into(),
            group_name: "+ポレポレ".into(),
            submitted_at: "2025-06-01T00:00:00Z".into(),
            fiscal_year_ja: "令和7年度".into(),
            division_ja: "一般部門".into(),
            income_total_yen: 1,
            expense_total_yen: 1,
            receipt_no: "2026-0001".into(),
            status: "submitted".into(),
            status_ja: "提出".into(),
            proposal,
        };
        let csv = to_csv(&[s]);
        let row = csv.lines().nth(1).expect("a row");
        assert!(
            row.contains(",\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"詳細\"\")\","),
            "{row}"
        );
        assert!(row.contains(",'@SUM(1+1)*cmd|' /C calc'!A0,"), "{row}");
        assert!(row.contains(",'＝１＋１,"), "{row}");
        assert!(row.contains(",'-2+3,"), "{row}");
        assert!(row.contains(",'+ポレポレ,"), "{row}");
        assert!(row.contains(",1,1,"), "numbers stay numbers: {row}");
    }

    #[test]
    fn an_empty_export_is_a_bom_and_the_header() {
        let csv = to_csv(&[]);
        assert!(
            csv.starts_with(
                "\u{feff}下書きID,団体ID,団体名,提出日時,年度,年度（西暦）,部門,事業名"
            )
        );
        assert_eq!(csv.matches("\r\n").count(), 1);
        assert_eq!(to_json(&[]).expect("json"), "[]\n");
    }
}
