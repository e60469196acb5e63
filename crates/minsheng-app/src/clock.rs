//! 北京时间: the one place that says which clock and which time zone minsheng counts days in.
//! Reporting due days, "today" on the pages and the command line, and the moments shown to
//! people are all Beijing time (UTC+8, no daylight saving), whatever the server's own zone.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

/// Beijing time: UTC+8.
pub fn beijing() -> TimeZone {
    TimeZone::fixed(jiff::tz::offset(8))
}

/// A moment in Beijing time.
pub fn in_beijing(t: Timestamp) -> Zoned {
    t.to_zoned(beijing())
}

/// The day a moment falls on in Beijing.
pub fn date_in_beijing(t: Timestamp) -> Date {
    in_beijing(t).date()
}

/// Today in Beijing, by the system clock.
pub fn today() -> Date {
    date_in_beijing(Timestamp::now())
}

/// How far to move the clock so that `now` falls on `day` in Beijing at the same time of day:
/// what a demo's store is moved by ([`minsheng_store::Store::with_clock_shift`]), so that a
/// report filed in the demo is stamped on the demo's day.
pub fn shift_to(day: Date, now: Timestamp) -> jiff::SignedDuration {
    let here = in_beijing(now);
    let there = day
        .to_datetime(here.time())
        .to_zoned(beijing())
        .map(|z| z.timestamp());
    there.map_or(jiff::SignedDuration::ZERO, |t| t.duration_since(now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shifted_clock_stands_on_the_day_at_the_same_time() {
        let now: Timestamp = "2026-12-07T06:30:00Z".parse().unwrap();
        let shift = shift_to(jiff::civil::date(2023, 10, 15), now);
        let moved = in_beijing(now.checked_add(shift).unwrap());
        assert_eq!(moved.date(), jiff::civil::date(2023, 10, 15));
        assert_eq!(moved.time(), in_beijing(now).time());
    }
}
