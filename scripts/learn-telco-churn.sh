#!/bin/sh
# Learns models/telco_churn.bn from the IBM telco churn table (datasets/wa_churn.csv, 7,043
# customers; export it with datasets/export_modeldata.sh wa_churn). Deterministic: running it again
# gives the same file byte for byte (the test suite checks this).
#
#   scripts/learn-telco-churn.sh [CREDENCE_BINARY] [DATA.csv] [OUT.bn]
#
# 1. learn --target churn: the classifier pipeline. tenure, monthly_charges and total_charges
#    are cut by supervised MDL bins (Fayyad & Irani) against churn, and into ten
#    equal-frequency bins for discriminative naive Bayes; the 0/1 columns keep one state per
#    value. The structure family (naive Bayes, TAN, KDB-1..3, BAN, Markov-blanket or
#    class-as-outcome hill climbing, discriminatively fitted naive Bayes), the feature
#    selection, the prior and the bins are chosen by stratified 5-fold inner cross-validated
#    log loss (seed 1): naive Bayes fitted for P(churn | customer) on the ten bins wins; the
#    11 customers without total_charges are used, their missing cell adding nothing to the fit.
# 2. Chinese labels are added beside the English column names.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
credence=${1:-"$here/.build/release/credence"}
data=${2:-"$here/datasets/wa_churn.csv"}
out=${3:-"$here/models/telco_churn.bn"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$credence" learn "$data" --target churn --seed 1 --quiet --output "$tmp/fitted.bn" >/dev/null
{
    echo "# Telco customer churn (IBM sample data, modeldata::wa_churn, 7,043 customers), learned by Credence."
    echo "# Regenerate: scripts/learn-telco-churn.sh (learn --target churn; see docs/models/telco_churn.md)."
    echo "# Numeric columns carry their cut points ('cuts'), so new customer tables with raw"
    echo "# tenure and charges are cut the same way by fit, score and evaluate."
    sed -e 's/^network churn_classifier$/network telco_churn "电信客户流失 \/ telco customer churn"/' \
        -e 's/^variable churn {/variable churn "流失" {/' \
        -e 's/^variable female {/variable female "女性" {/' \
        -e 's/^variable senior_citizen {/variable senior_citizen "老年用户" {/' \
        -e 's/^variable partner {/variable partner "有伴侣" {/' \
        -e 's/^variable dependents {/variable dependents "有家属" {/' \
        -e 's/^variable tenure {/variable tenure "在网月数" {/' \
        -e 's/^variable phone_service {/variable phone_service "电话服务" {/' \
        -e 's/^variable multiple_lines {/variable multiple_lines "多线路" {/' \
        -e 's/^variable internet_service {/variable internet_service "宽带类型" {/' \
        -e 's/^variable online_security {/variable online_security "在线安全" {/' \
        -e 's/^variable online_backup {/variable online_backup "在线备份" {/' \
        -e 's/^variable device_protection {/variable device_protection "设备保护" {/' \
        -e 's/^variable tech_support {/variable tech_support "技术支持" {/' \
        -e 's/^variable streaming_tv {/variable streaming_tv "流媒体电视" {/' \
        -e 's/^variable streaming_movies {/variable streaming_movies "流媒体电影" {/' \
        -e 's/^variable contract {/variable contract "合约类型" {/' \
        -e 's/^variable paperless_billing {/variable paperless_billing "无纸账单" {/' \
        -e 's/^variable payment_method {/variable payment_method "支付方式" {/' \
        -e 's/^variable monthly_charges {/variable monthly_charges "月费" {/' \
        -e 's/^variable total_charges {/variable total_charges "累计费用" {/' \
        "$tmp/fitted.bn"
} > "$tmp/out.bn"
"$credence" info "$tmp/out.bn" >/dev/null
mv "$tmp/out.bn" "$out"
echo "wrote $out"
