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
