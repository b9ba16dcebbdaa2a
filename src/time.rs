//! Time: the server's clock in Unix seconds (what the tables record), and times as people
//! read them (compiled for the browser too, so both render the same text).

/// The time now, in Unix seconds.
#[cfg(feature = "ssr")]
pub fn unix_now() -> i64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The time now, in Unix milliseconds (the shared attempt counters' windows).
#[cfg(feature = "ssr")]
pub fn unix_now_ms() -> i64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A moment (Unix seconds) as shop customers in Germany read it: local time in Berlin (CET, or
/// CEST from the last Sunday of March to the last Sunday of October), e.g. `24 Nov 2026, 09:12`.
/// Pure arithmetic, so server and browser render the same text.
pub fn format_time(unix: i64) -> String {
    let utc_days = unix.div_euclid(86_400);
    let (year, _, _) = civil_from_days(utc_days);
    // EU summer time starts and ends at 01:00 UTC on the last Sundays of March and October.
    let last_sunday = |month: u32, days_in_month: i64| {
        let last = days_from_civil(year, month, days_in_month as u32);
        last - (last + 4).rem_euclid(7) // 1970-01-01 was a Thursday (weekday 4, Sunday 0)
    };
    let summer_start = last_sunday(3, 31) * 86_400 + 3_600;
    let summer_end = last_sunday(10, 31) * 86_400 + 3_600;
    let offset = if (summer_start..summer_end).contains(&unix) {
        7_200
    } else {
        3_600
    };
    let local = unix + offset;
    let (year, month, day) = civil_from_days(local.div_euclid(86_400));
    let seconds = local.rem_euclid(86_400);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{day} {} {year}, {:02}:{:02}",
        MONTHS[(month - 1) as usize],
        seconds / 3_600,
        seconds % 3_600 / 60
    )
}

/// The (year, month, day) of a day number counted from 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The day number (from 1970-01-01) of a date; the inverse of `civil_from_days`.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(month);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::{civil_from_days, days_from_civil, format_time};

    #[test]
    fn times_read_as_berlin_local_time() {
        assert_eq!(format_time(0), "1 Jan 1970, 01:00");
        // 2026-11-24 08:00 UTC is 09:00 CET.
        assert_eq!(format_time(1_795_507_200), "24 Nov 2026, 09:00");
        // 2026-07-01 12:00 UTC is 14:00 CEST.
        assert_eq!(format_time(1_782_907_200), "1 Jul 2026, 14:00");
        // Summer time 2026 starts 29 March 01:00 UTC and ends 25 October 01:00 UTC.
        assert_eq!(format_time(1_774_745_999), "29 Mar 2026, 01:59");
        assert_eq!(format_time(1_774_746_000), "29 Mar 2026, 03:00");
        assert_eq!(format_time(1_792_889_999), "25 Oct 2026, 02:59");
        assert_eq!(format_time(1_792_890_000), "25 Oct 2026, 02:00");
        assert_eq!(format_time(951_825_600), "29 Feb 2000, 13:00");
    }

    #[test]
    fn day_numbers_round_trip() {
        for days in [-800_000, -1, 0, 59, 10_957, 20_416, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
