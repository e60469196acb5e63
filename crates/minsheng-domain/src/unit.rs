//! Org units as one tree: regions by level, and departments that belong to a region.

use crate::ids::UnitId;
use std::collections::HashMap;

/// What an org unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnitKind {
    /// 省 / 自治区 / 直辖市.
    Province,
    /// 地级市 / 州 / 盟.
    City,
    /// 县 / 区 / 县级市.
    County,
    /// 乡 / 镇 / 街道.
    Township,
    /// A department (省人社厅, 市住建局) of the region it hangs under.
    Department,
}

impl UnitKind {
    /// The stable code stored and exchanged.
    pub fn code(self) -> &'static str {
        match self {
            UnitKind::Province => "province",
            UnitKind::City => "city",
            UnitKind::County => "county",
            UnitKind::Township => "township",
            UnitKind::Department => "department",
        }
    }

    /// Parses a stable code.
    pub fn from_code(s: &str) -> Option<UnitKind> {
        Some(match s {
            "province" => UnitKind::Province,
            "city" => UnitKind::City,
            "county" => UnitKind::County,
            "township" => UnitKind::Township,
            "department" => UnitKind::Department,
            _ => return None,
        })
    }

    /// The Chinese name of the kind.
    pub fn label_zh(self) -> &'static str {
        match self {
            UnitKind::Province => "省级",
            UnitKind::City => "市(州)级",
            UnitKind::County => "县(市、区)级",
            UnitKind::Township => "乡镇(街道)级",
            UnitKind::Department => "部门",
        }
    }

    /// Depth of a region kind under the province; `None` for a department.
    pub fn region_depth(self) -> Option<u8> {
        match self {
            UnitKind::Province => Some(0),
            UnitKind::City => Some(1),
            UnitKind::County => Some(2),
            UnitKind::Township => Some(3),
            UnitKind::Department => None,
        }
    }

    /// Whether a unit of this kind may hang directly under a unit of kind `parent`.
    /// Regions nest one level at a time; a department hangs under any region.
    pub fn may_be_child_of(self, parent: UnitKind) -> bool {
        match (self.region_depth(), parent.region_depth()) {
            (Some(c), Some(p)) => c == p + 1,
            (None, Some(_)) => true,
            (_, None) => false,
        }
    }
}

/// One org unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgUnit {
    /// Its id.
    pub id: UnitId,
    /// The unit it belongs to; `None` only for a root (a province).
    pub parent: Option<UnitId>,
    /// What it is.
    pub kind: UnitKind,
    /// Its full Chinese name (长春市, 省人力资源和社会保障厅).
    pub name: String,
    /// An optional short name or administrative code (GB/T 2260), unique when set.
    pub code: Option<String>,
}

/// The whole unit tree, for walking up (roll-up, escalation) and down (permissions, quotas).
#[derive(Debug, Clone, Default)]
pub struct UnitTree {
    units: Vec<OrgUnit>,
    index: HashMap<UnitId, usize>,
    children: HashMap<UnitId, Vec<UnitId>>,
}

impl UnitTree {
    /// Builds the tree from units in any order.
    pub fn new(units: Vec<OrgUnit>) -> Self {
        let index = units.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
        let mut children: HashMap<UnitId, Vec<UnitId>> = HashMap::new();
        for u in &units {
            if let Some(p) = u.parent {
                children.entry(p).or_default().push(u.id);
            }
        }
        UnitTree {
            units,
            index,
            children,
        }
    }

    /// All units, in the order given.
    pub fn units(&self) -> &[OrgUnit] {
        &self.units
    }

    /// The unit with this id.
    pub fn get(&self, id: UnitId) -> Option<&OrgUnit> {
        self.index.get(&id).map(|&i| &self.units[i])
    }

    /// The unit's direct children, in the order given.
    pub fn children(&self, id: UnitId) -> impl Iterator<Item = &OrgUnit> {
        self.children
            .get(&id)
            .into_iter()
            .flatten()
            .filter_map(|c| self.get(*c))
    }

    /// The unit's direct children that are regions of the next level (cities of a province).
    pub fn sub_regions(&self, id: UnitId) -> impl Iterator<Item = &OrgUnit> {
        self.children(id).filter(|u| u.kind != UnitKind::Department)
    }

    /// The unit's ancestors, nearest first. Stops at a cycle rather than looping.
    pub fn ancestors(&self, id: UnitId) -> Vec<&OrgUnit> {
        let mut out: Vec<&OrgUnit> = Vec::new();
        let mut cur = self.get(id).and_then(|u| u.parent);
        while let Some(p) = cur {
            if out.iter().any(|u| u.id == p) || p == id {
                break;
            }
            match self.get(p) {
                Some(u) => {
                    out.push(u);
                    cur = u.parent;
                }
                None => break,
            }
        }
        out
    }

    /// Whether `unit` is `ancestor` itself or lies below it.
    pub fn is_within(&self, unit: UnitId, ancestor: UnitId) -> bool {
        unit == ancestor || self.ancestors(unit).iter().any(|u| u.id == ancestor)
    }

    /// The region a unit belongs to: itself for a region, its parent region for a department.
    pub fn region_of(&self, id: UnitId) -> Option<&OrgUnit> {
        let u = self.get(id)?;
        if u.kind != UnitKind::Department {
            return Some(u);
        }
        self.ancestors(id)
            .into_iter()
            .find(|a| a.kind != UnitKind::Department)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: i64, parent: Option<i64>, kind: UnitKind, name: &str) -> OrgUnit {
        OrgUnit {
            id: UnitId(id),
            parent: parent.map(UnitId),
            kind,
            name: name.into(),
            code: None,
        }
    }

    fn jilin() -> UnitTree {
        UnitTree::new(vec![
            unit(1, None, UnitKind::Province, "吉林省"),
            unit(2, Some(1), UnitKind::City, "长春市"),
            unit(3, Some(2), UnitKind::County, "农安县"),
            unit(4, Some(1), UnitKind::Department, "省人力资源和社会保障厅"),
            unit(5, Some(1), UnitKind::City, "吉林市"),
        ])
    }

    #[test]
    fn walks_up_and_down() {
        let t = jilin();
        let names: Vec<_> = t
            .ancestors(UnitId(3))
            .iter()
            .map(|u| u.name.as_str())
            .collect();
        assert_eq!(names, ["长春市", "吉林省"]);
        let cities: Vec<_> = t.sub_regions(UnitId(1)).map(|u| u.name.as_str()).collect();
        assert_eq!(cities, ["长春市", "吉林市"]);
        assert!(t.is_within(UnitId(3), UnitId(1)));
        assert!(!t.is_within(UnitId(3), UnitId(5)));
        assert_eq!(t.region_of(UnitId(4)).unwrap().name, "吉林省");
    }

    #[test]
    fn a_cycle_does_not_hang() {
        let t = UnitTree::new(vec![
            unit(1, Some(2), UnitKind::City, "甲"),
            unit(2, Some(1), UnitKind::City, "乙"),
        ]);
        assert_eq!(t.ancestors(UnitId(1)).len(), 1);
    }

    #[test]
    fn regions_nest_one_level_at_a_time() {
        assert!(UnitKind::City.may_be_child_of(UnitKind::Province));
        assert!(!UnitKind::County.may_be_child_of(UnitKind::Province));
        assert!(UnitKind::Department.may_be_child_of(UnitKind::County));
        assert!(!UnitKind::City.may_be_child_of(UnitKind::Department));
    }
}
