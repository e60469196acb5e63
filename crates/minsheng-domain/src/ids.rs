//! Newtype ids, so a target id can never be passed where an assignment id is meant.

macro_rules! decl_id {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }
    )*};
}

decl_id! {
    /// An org unit: a region (province, city, county, township) or a department.
    UnitId;
    /// A plan: one year's list of commitments, or a list of major projects.
    PlanId;
    /// A section of a plan (一、促进就业方面).
    SectionId;
    /// A numbered item of a plan.
    ItemId;
    /// A quantitative target inside an item.
    TargetId;
    /// A target assigned to a unit, as lead or partner, with an optional quota.
    AssignmentId;
    /// One filing (one revision) of a report for an assignment and period.
    ReportId;
    /// A coordination matter (协调事项).
    ProblemId;
    /// An entry of the audit log.
    AuditId;
    /// An evidence file attached to a report.
    EvidenceId;
    /// A person who signs in.
    UserId;
    /// A progress bulletin (进展通报) of a plan for a period, a draft or issued.
    BulletinId;
}
