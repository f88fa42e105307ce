/*
 * credence.h: the C ABI of Credence (libcredence_c.so), a thin adapter over the Workbench
 * operation layer. Written by hand beside Sources/CredenceC/*.swift; a test
 * (python/tests/test_abi.py) checks that every exported symbol is declared here and
 * every declaration is exported.
 *
 * Conventions
 *   - Handles (credence_network, credence_table, credence_result, credence_session) are
 *     opaque; each has a free function. Networks are immutable values: an edit, a fit or a
 *     learn returns a new handle. A network handle may be used from several threads (calls on
 *     one network are serialised by a lock).
 *   - Every call that can fail returns a status (CREDENCE_OK, or one of the kinds below)
 *     and writes the message, the text `credence` prints after "Error: ", into `err` (at
 *     most `err_cap - 1` bytes, NUL-terminated). Swift errors never cross the boundary.
 *   - Output buffers are the caller's and must have exactly the length the call needs
 *     (`*_len` arguments count elements, not bytes); a wrong length is CREDENCE_ERR_ARGUMENT.
 *   - Text results (JSON, a model file's text, SVG) come as a credence_result: read it with
 *     credence_result_text, free it with credence_result_free. JSON is the one form of
 *     `credence ... --json` (docs/cli.md).
 *   - Findings are one UTF-8 string: records separated by 0x1E, each
 *         KIND 0x1F VARIABLE 0x1F VALUE [0x1F VALUE ...]
 *     with KIND 'e' (hard evidence: one state), 's' (likelihood evidence: one number per
 *     state) or 'd' (an intervention do(VARIABLE=STATE)). NULL or "" is no finding.
 *   - Name lists (targets) are names separated by 0x1F.
 */
#ifndef CREDENCE_H
#define CREDENCE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    CREDENCE_OK = 0,
    CREDENCE_ERR_USAGE = 1,     /* a bad argument or option, in the command line's words */
    CREDENCE_ERR_FORMAT = 2,    /* a model or table that does not read (file:line:column) */
    CREDENCE_ERR_MODEL = 3,     /* an unknown name, an edit the model refuses */
    CREDENCE_ERR_INFERENCE = 4, /* impossible evidence, a memory budget */
    CREDENCE_ERR_LEARNING = 5,  /* learning that cannot proceed */
    CREDENCE_ERR_IO = 6,        /* a file that cannot be read or written */
    CREDENCE_ERR_ARGUMENT = 7,  /* a null handle, a buffer of the wrong length */
    CREDENCE_ERR_INTERNAL = 8
};

typedef struct credence_network credence_network;
typedef struct credence_table credence_table;
typedef struct credence_result credence_result;
typedef struct credence_session credence_session;

/* The library's version, e.g. "0.1.0" (static storage). */
const char *credence_version(void);

/* ---- results ---------------------------------------------------------------------- */

/* The result's UTF-8 text, NUL-terminated, valid until credence_result_free; its length in
 * bytes to *len when len is not NULL. */
const char *credence_result_text(credence_result *result, size_t *len);
void credence_result_free(credence_result *result);

/* ---- networks --------------------------------------------------------------------- */

/* Reads a model file; the format follows the extension (.bn, .bif, .bif.gz, .xmlbif/.xml,
 * .net, .uai). */
int32_t credence_network_load(const char *path, credence_network **out, char *err, size_t err_cap);
/* Parses model text in a format named "bn", "bif", "xmlbif" (or "xml"), "net" or "uai". */
int32_t credence_network_parse(const char *text, const char *format, credence_network **out,
                               char *err, size_t err_cap);
/* Saves atomically; the format follows the extension. */
int32_t credence_network_save(credence_network *net, const char *path, char *err, size_t err_cap);
/* The model's text in a format ("bn", "bif", "xmlbif", "net", "uai", "dot"). */
int32_t credence_network_text(credence_network *net, const char *format, credence_result **out,
                              char *err, size_t err_cap);
/* JSON {name, label, variables: [{name, states, parents, role, label, description, cutPoints}]}
 * in network order. */
int32_t credence_network_describe(credence_network *net, credence_result **out, char *err, size_t err_cap);
/* A new network: `net` with one edit of the REPL language applied ("add edge A -> B",
 * "remove variable X", "set cpt X (a, b): 0.2 0.8", ...; docs/repl.md). */
int32_t credence_network_edit(credence_network *net, const char *command, credence_network **out,
                              char *err, size_t err_cap);
/* 1 when the two networks are equal values (structure, states, tables), else 0. */
int32_t credence_network_equal(credence_network *a, credence_network *b);
void credence_network_free(credence_network *net);

/* ---- questions -------------------------------------------------------------------- */

/* P(targets | findings): one target's posterior, or the joint of several (row-major, the
 * last target varying fastest) into out[out_len]; ln P(evidence) into *log_p (may be NULL).
 * One target with log_p NULL is answered by variable elimination with plans cached by
 * evidence pattern; otherwise the network's junction tree (built once, reused) answers. */
int32_t credence_query(credence_network *net, const char *targets, const char *findings,
                       double *out, size_t out_len, double *log_p, char *err, size_t err_cap);
/* P(target | hard findings) by indices, for a caller that keeps the name->index maps:
 * variable `target` (network order, as credence_network_describe lists the variables) given
 * n_findings pairs laid end to end, findings[2i] a variable observed in state findings[2i+1]
 * (state order of that variable); out_len = the target's cardinality. The same answer and
 * engine as credence_query with one target and log_p NULL, without reading names from text.
 * An index out of range or a variable given twice is an error naming it. */
int32_t credence_query_indexed(credence_network *net, int32_t target, const int32_t *findings,
                               size_t n_findings, double *out, size_t out_len, char *err, size_t err_cap);
/* The same question, answered as the JSON of `credence query --json`. */
int32_t credence_query_json(credence_network *net, const char *targets, const char *findings,
                            credence_result **out, char *err, size_t err_cap);
/* Every variable's posterior, concatenated in network order (out_len = the sum of the
 * cardinalities), and ln P(evidence). */
int32_t credence_query_all(credence_network *net, const char *findings, double *out, size_t out_len,
                           double *log_p, char *err, size_t err_cap);
/* P(evidence) and its natural log, interventions applied. */
int32_t credence_probability(credence_network *net, const char *findings, double *p, double *log_p,
                             char *err, size_t err_cap);
/* The most probable explanation (targets NULL or ""), or the MAP assignment of the targets:
 * the JSON of `credence query --mpe/--map --json`. */
int32_t credence_mpe(credence_network *net, const char *targets, const char *findings,
                     credence_result **out, char *err, size_t err_cap);
/* The JSON of `credence explain TARGET[=STATE] --json` (state NULL: the most probable one;
 * `top` CPT parameters by sensitivity). */
int32_t credence_explain(credence_network *net, const char *target, const char *state,
                         const char *findings, int32_t top, credence_result **out,
                         char *err, size_t err_cap);
/* The SVG of `credence render` under the findings, the targets outlined (needs Graphviz's
 * `dot` on PATH for the layout). */
int32_t credence_render_svg(credence_network *net, const char *findings, const char *targets,
                            credence_result **out, char *err, size_t err_cap);
/* `rows` forward samples (`credence sample`), each cell hidden with probability `missing`:
 * state codes (-1 missing) column by column, a column per variable in network order
 * (out_len = variables x rows). */
int32_t credence_sample(credence_network *net, int64_t rows, uint64_t seed, double missing,
                        int32_t *out, size_t out_len, char *err, size_t err_cap);

/* ---- tables ----------------------------------------------------------------------- */

/* A table of `rows` rows, filled column by column (NULL for rows < 0). Columns match a
 * model's variables by name as a CSV header does; other columns are ignored with a note. */
credence_table *credence_table_new(int64_t rows);
/* A column of categories: codes[rows] index the n_labels NUL-terminated UTF-8 labels laid
 * end to end in `labels`; a negative code is a missing cell. Labels "", "NA" and "?" are
 * missing unless the variable has a state of that name. */
int32_t credence_table_add_categories(credence_table *table, const char *name, const int32_t *codes,
                                      const char *labels, int64_t n_labels, char *err, size_t err_cap);
/* A column of numbers (NaN missing): cut by the variable's stored cut points, or matched to
 * its states as text (an integral value as an integer: 3.0 is "3"). */
int32_t credence_table_add_numbers(credence_table *table, const char *name, const double *values,
                                   char *err, size_t err_cap);
/* A column of state codes: codes[rows] index the states of the variable of the same name in
 * the model's order, -1 missing (what credence_table_codes wrote; no text is read). Only a
 * call with a model reads it, where a code out of range is an error naming the column, the
 * code and its row; credence_learn refuses it. */
int32_t credence_table_add_states(credence_table *table, const char *name, const int32_t *codes,
                                  char *err, size_t err_cap);
void credence_table_free(credence_table *table);

/* `credence score`: P(target | row) for every row, row-major into out[rows x states], NaN
 * for a row whose findings have probability zero (an error instead with `strict`, which
 * also makes an unknown category an error rather than a missing cell). *notes (may be NULL)
 * receives JSON {notes, impossibleRows}. */
int32_t credence_score(credence_network *net, credence_table *table, const char *target, int32_t strict,
                       double *out, size_t out_len, credence_result **notes, char *err, size_t err_cap);
/* `credence fit`: options as a JSON object {method: "mle"|"bayes"|"em", prior, maxIter,
 * tolerance, restarts, initial: "model"|"uniform"|"available", seed}; the fitted network to
 * *out, the report of `credence fit --json` (plus notes) to *report (may be NULL). */
int32_t credence_fit(credence_network *net, credence_table *table, const char *options,
                     credence_network **out, credence_result **report, char *err, size_t err_cap);
/* `credence learn`: options {algorithm, score, ess, maxParents, require: [[A, B]], forbid,
 * restarts, maxIterations, seed, discretize: {column: method}, discretizeNumeric,
 * categoricalLimit, discretizeTarget} or, with `target`, the classifier pipeline of
 * `learn --target` {target, structures, priors, innerFolds, fewValuedBins, parameters, bagging, maxParents,
 * seed, discretize, discretizeNumeric, categoricalLimit}. */
int32_t credence_learn(credence_table *table, const char *options, credence_network **out,
                       credence_result **report, char *err, size_t err_cap);
/* `credence evaluate --json` of the network as a classifier of `target` (folds > 0: with
 * k-fold cross-validation). */
int32_t credence_evaluate(credence_network *net, credence_table *table, const char *target, int32_t folds,
                          uint64_t seed, credence_result **out, char *err, size_t err_cap);

/* ---- a table spread over machines (credence.spark; Sources/CredenceC/Spark.swift) ----- */

/* Row weights (e.g. the counts of distinct rows): weights[rows], finite and >= 0; fit, learn
 * and the count calls below weigh every row by its weight. */
int32_t credence_table_set_weights(credence_table *table, const double *weights, char *err, size_t err_cap);
/* The table read in the model's states as credence_fit reads it (a value that is no state of
 * its variable is an error naming it and its first row): one column of codes per table column
 * that names a variable, in the order added (other columns skipped), laid end to end into
 * out[rows x those columns]; -1 missing. Encode a table once, then hand its codes back
 * with credence_table_add_states (credence.spark caches its patterns so for EM). */
int32_t credence_table_codes(credence_network *net, credence_table *table, int32_t *out, size_t out_len,
                             char *err, size_t err_cap);
/* How many threads each later batch call of this process (credence_score,
 * credence_family_counts, credence_expected_counts) splits its rows over; 0 restores the
 * default, every core. Returns the previous setting (0: the default), or -1 for a negative
 * value (nothing changes). Spark tasks set 1: Spark already runs one task per core. */
int32_t credence_set_threads(int32_t threads);
/* The length of a network's family counts: the sum of its CPTs' sizes (-1 for NULL). */
int64_t credence_family_count_length(credence_network *net);
/* The complete-case family counts of the table (every variable needs a column), the CPTs'
 * layouts (parents row-major, child last) concatenated in network order: the counts of one
 * part of a table for an MLE or Bayesian fit; the parts' counts sum to the whole's. */
int32_t credence_family_counts(credence_network *net, credence_table *table, double *out, size_t out_len,
                               char *err, size_t err_cap);
/* The E-step of `credence fit --method em` on the table: expected family counts (laid out
 * as above) and sum(w ln P(observed cells)) into *log_likelihood (may be NULL). A row with
 * probability zero is an error naming it. */
int32_t credence_expected_counts(credence_network *net, credence_table *table, double *out, size_t out_len,
                                 double *log_likelihood, char *err, size_t err_cap);
/* The M-step of `credence fit`: a new network with every CPT estimated from summed family
 * counts (laid out as above); options {method: "mle"|"bayes"|"em", prior} as credence_fit. */
int32_t credence_estimate(credence_network *net, const double *counts, size_t counts_len, const char *options,
                          credence_network **out, char *err, size_t err_cap);

/* The target's distribution for every row as `credence evaluate` predicts it (a function of
 * the row's cells alone), row-major into out[rows x states]; a row with probability zero is
 * an error naming it. */
int32_t credence_predict(credence_network *net, credence_table *table, const char *target, double *out,
                         size_t out_len, char *err, size_t err_cap);

/* ---- the REPL session ------------------------------------------------------------- */

/* A session on a copy of `net` (NULL: an empty network), with findings, scenarios and
 * undo/redo; never journaled. */
int32_t credence_session_new(credence_network *net, credence_session **out, char *err, size_t err_cap);
/* Runs one line of the REPL language (docs/repl.md); its text to *out. */
int32_t credence_session_run(credence_session *session, const char *line, credence_result **out,
                             char *err, size_t err_cap);
/* The session's current network, as a new handle. */
int32_t credence_session_network(credence_session *session, credence_network **out, char *err, size_t err_cap);
/* The session's findings, in the findings format above. */
int32_t credence_session_findings(credence_session *session, credence_result **out, char *err, size_t err_cap);
/* Undo (redo = 0) or redo (redo = 1) the last model change: 1 done, 0 nothing to do, -1 NULL. */
int32_t credence_session_undo(credence_session *session, int32_t redo);
void credence_session_free(credence_session *session);

#ifdef __cplusplus
}
#endif

#endif /* CREDENCE_H */
