#!/usr/bin/python3
"""Writes a generated customers table (CSV) with known rules, for the table benchmarks of docs/benchmarks.md.

14 columns: customer_id (unique), country (12 values), plan (free/basic/pro/enterprise), is_active (yes/no), seats (integer, set by
the plan), monthly_spend (price point of the plan times seats, 0 on free, blank in ~3% of rows), tenure_months
(integer), support_tickets (integer, more on larger plans), region (set by country), payment_method, discount (numeric),
last_invoice (numeric, follows spend), churn_risk (numeric, falls with tenure), referral (true/false).
With --dates, two date columns follow: signup_date (ISO date, 2019-01-01 to 2024-12-31, tenure_months before 2025-01-01
when that is later) and last_login (ISO date-time on or after the signup, blank in ~5% of rows). They come from a
second random stream, so the 14 columns are the same with or without them.

Usage: benchmarks/tables/customers.py ROWS OUT.csv [SEED] [--dates]
"""
import datetime, random, sys

START, END = datetime.date(2019, 1, 1), datetime.date(2025, 1, 1)


def dates(rng, tenure):
    """signup_date and last_login cells for a customer of tenure months."""
    latest = (END - START).days - 1
    signup = START + datetime.timedelta(days=max(0, latest - int(tenure * 30.4) - rng.randrange(30)))
    if rng.random() < 0.05:
        return signup.isoformat(), ""
    login = datetime.datetime.combine(signup, datetime.time()) + datetime.timedelta(
        days=rng.randrange(max(1, (END - signup).days)), seconds=rng.randrange(86400))
    return signup.isoformat(), login.strftime("%Y-%m-%dT%H:%M:%S")

COUNTRIES = ["DE", "FR", "IT", "ES", "NL", "BE", "AT", "PL", "SE", "DK", "PT", "IE"]
REGION = {"DE": "central", "AT": "central", "PL": "central", "FR": "west", "BE": "west", "NL": "west", "IE": "west",
          "IT": "south", "ES": "south", "PT": "south", "SE": "north", "DK": "north"}
PLANS = [("free", 0.35, 0.0, 1), ("basic", 0.35, 9.99, 2), ("pro", 0.22, 19.99, 8), ("enterprise", 0.08, 49.99, 60)]
PAYMENTS = ["card", "invoice", "paypal", "sepa"]


def main():
    args = [a for a in sys.argv[1:] if a != "--dates"]
    with_dates = len(args) < len(sys.argv) - 1
    rows, path = int(args[0]), args[1]
    seed = int(args[2]) if len(args) > 2 else 1
    rng, date_rng = random.Random(seed), random.Random(seed + 7919)
    weights = [p[1] for p in PLANS]
    with open(path + ".tmp", "w", newline="") as out:
        out.write("customer_id,country,plan,is_active,seats,monthly_spend,tenure_months,support_tickets,region,payment_method,discount,last_invoice,churn_risk,referral" + (",signup_date,last_login" if with_dates else "") + "\n")
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
                      f"{REGION[country]},{rng.choice(PAYMENTS)},{discount},{invoice},{risk},{'true' if rng.random() < 0.15 else 'false'}"
                      + (",%s,%s" % dates(date_rng, tenure) if with_dates else "") + "\n")
    import os
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
