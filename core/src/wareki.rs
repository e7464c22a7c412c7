//! 和暦 and 年度: how Japanese public bodies write years.

/// The first Gregorian year of 令和 (令和元年 = 2019).
const REIWA_START: u16 = 2019;
/// The first Gregorian year of 平成 (平成元年 = 1989).
const HEISEI_START: u16 = 1989;

/// A fiscal year (April to March) written as the city writes it: `令和5年度`.
/// Years before 令和 are written in 平成.
pub fn fiscal_year_ja(start_year: u16) -> String {
    format!("{}度", era_year_ja(start_year))
}

/// `2023` → `令和5年`, `2019` → `令和元年`, `2016` → `平成28年`.
pub fn era_year_ja(year: u16) -> String {
    let (era, first) = if year >= REIWA_START {
        ("令和", REIWA_START)
    } else if year >= HEISEI_START {
        ("平成", HEISEI_START)
    } else {
        return format!("{year}年");
    };
    match year - first + 1 {
        1 => format!("{era}元年"),
        n => format!("{era}{n}年"),
    }
}

/// `2023` → `FY2023`.
pub fn fiscal_year_en(start_year: u16) -> String {
    format!("FY{start_year}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reiwa_years() {
        assert_eq!(fiscal_year_ja(2023), "令和5年度");
        assert_eq!(fiscal_year_ja(2019), "令和元年度");
        assert_eq!(fiscal_year_ja(2025), "令和7年度");
        assert_eq!(era_year_ja(2016), "平成28年");
        assert_eq!(era_year_ja(1989), "平成元年");
        assert_eq!(era_year_ja(1980), "1980年");
    }
}
