import BNLearning

// The learning types that Workbench operations return, named for the front ends (which
// import Workbench only, as DESIGN.md's layers require).

/// The `learn --target` pipeline (`TargetedLearner`).
public typealias ClassifierLearner = TargetedLearner
/// What `learn --target` chose and why.
public typealias ClassifierReport = TargetedLearner.Report
/// One structure family with one prior, scored by inner cross-validation.
public typealias ClassifierCandidate = TargetedLearner.Candidate
/// How numeric columns are cut (`DatasetDiscretization`).
public typealias BinningPlan = DatasetDiscretization
