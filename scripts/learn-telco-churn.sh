#!/bin/sh
# Learns models/telco_churn.bn from the IBM telco churn table (datasets/wa_churn.csv, 7,043
# customers; export it with datasets/export_modeldata.sh wa_churn). Deterministic: running it again
# gives the same file byte for byte (the test suite checks this).
#
#   scripts/learn-telco-churn.sh [CREDENCE_BINARY] [DATA.csv] [OUT.bn]
#
# 1. learn: tenure, monthly_charges and total_charges are cut by supervised MDL bins
#    (Fayyad & Irani) against churn; the other columns are categorical. Hill climbing with
#    BDeu (ESS 10) and 10 seeded restarts; churn is an outcome, so no edge leaves it.
#    The 11 customers without total_charges are handled by the search's EM completion.
# 2. fit: EM from the learned tables (BDeu prior, ESS 1) estimates every CPT using all
#    rows, summing out the 11 missing total_charges.
# 3. Chinese labels are added beside the English column names.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
credence=${1:-"$here/.build/release/credence"}
data=${2:-"$here/datasets/wa_churn.csv"}
out=${3:-"$here/models/telco_churn.bn"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$credence" learn "$data" \
    --discretize tenure=mdl --discretize monthly_charges=mdl --discretize total_charges=mdl --discretize-target churn \
    --forbid 'churn->*' --score bdeu --ess 10 --restarts 10 --seed 1 --output "$tmp/structure.bn" >/dev/null
"$credence" fit "$tmp/structure.bn" "$data" --method em --initial model --prior 1 --seed 1 \
    --output "$tmp/fitted.bn" >/dev/null 2>&1
{
    echo "# Telco customer churn (IBM sample data, modeldata::wa_churn, 7,043 customers), learned by Credence."
    echo "# Regenerate: scripts/learn-telco-churn.sh (structure search + EM; see docs/models/telco_churn.md)."
    echo "# Numeric columns carry their MDL cut points ('cuts'), so new customer tables with raw"
    echo "# tenure and charges are cut the same way by fit, score and evaluate."
    sed -e 's/^network learned$/network telco_churn "电信客户流失 \/ telco customer churn"/' \
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
