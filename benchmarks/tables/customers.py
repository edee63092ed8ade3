#!/usr/bin/python3
"""Writes a generated customers table (CSV) with known rules, for the table benchmarks of docs/benchmarks.md.

14 columns: customer_id (unique), country (12 values), plan (free/basic/pro/enterprise), is_active (yes/no), seats (integer, set by
the plan), monthly_spend (price point of the plan times seats, 0 on free, blank in ~3% of rows), tenure_months
(integer), support_tickets (integer, more on larger plans), region (set by country), payment_method, discount (numeric),
last_invoice (numeric, follows spend), churn_risk (numeric, falls with tenure), referral (true/false).

Usage: benchmarks/tables/customers.py ROWS OUT.csv [SEED]
"""
import random, sys

COUNTRIES = ["DE", "FR", "IT", "ES", "NL", "BE", "AT", "PL", "SE", "DK", "PT", "IE"]
REGION = {"DE": "central", "AT": "central", "PL": "central", "FR": "west", "BE": "west", "NL": "west", "IE": "west",
          "IT": "south", "ES": "south", "PT": "south", "SE": "north", "DK": "north"}
PLANS = [("free", 0.35, 0.0, 1), ("basic", 0.35, 9.99, 2), ("pro", 0.22, 19.99, 8), ("enterprise", 0.08, 49.99, 60)]
PAYMENTS = ["card", "invoice", "paypal", "sepa"]


def main():
    rows, path = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    weights = [p[1] for p in PLANS]
    with open(path + ".tmp", "w", newline="") as out:
        out.write("customer_id,country,plan,is_active,seats,monthly_spend,tenure_months,support_tickets,region,payment_method,discount,last_invoice,churn_risk,referral\n")
        for i in range(rows):
            country = rng.choice(COUNTRIES)
            name, _, price, seats_mean = rng.choices(PLANS, weights)[0]
            seats = max(1, int(rng.gauss(seats_mean, seats_mean / 4)))
            spend = "" if rng.random() < 0.03 else f"{price * seats:.2f}"
            tenure = int(rng.expovariate(1 / 18))
            tickets = int(rng.expovariate(1 / (1 + seats_mean / 10)))
            discount = f"{max(0.0, rng.gauss(0.05, 0.03)):.3f}" if name != "free" else "0"
            invoice = f"{price * seats * (1 + rng.gauss(0, 0.02)):.2f}"
            risk = f"{min(1.0, max(0.0, 0.6 - tenure / 100 + rng.gauss(0, 0.1))):.3f}"
            out.write(f"C{i:08d},{country},{name},{'yes' if rng.random() < 0.9 else 'no'},{seats},{spend},{tenure},{tickets},"
                      f"{REGION[country]},{rng.choice(PAYMENTS)},{discount},{invoice},{risk},{'true' if rng.random() < 0.15 else 'false'}\n")
    import os
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
