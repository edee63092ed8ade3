using VaeOnnx.Cli.Report;
using VaeOnnx.Inference;

namespace VaeOnnx.Tests.Cli;

/// <summary>
/// The report's histogram bars and privacy figures on tables with known structure: whole-number bins on integer columns,
/// logarithmic bins on a skewed amount, a "(blank)" bar only where there are blanks; exact copies and the holdout share.
/// </summary>
[TestClass]
public sealed class ReportPictureAndPrivacyTests
{
    private static readonly TableSchema Schema = new()
    {
        TrainingRows = 400,
        Columns =
        [
            new TableColumn { Name = "seats", Kind = ColumnKind.Integer },
            new TableColumn { Name = "tickets", Kind = ColumnKind.Integer },
            new TableColumn { Name = "spend", Kind = ColumnKind.Numeric },
            new TableColumn { Name = "plan", Kind = ColumnKind.Categorical, Categories = ["free", "basic", "pro"] },
        ],
    };

    /// <summary>Rows: seats 1..5, tickets 0..59, spend mostly 0-20 with a few up to 5000 (some blank when asked), plans.</summary>
    private static VaeTableRows Rows(int count, int seed, bool blankSpend)
    {
        var random = new Random(seed);
        var seats = new float[count];
        var tickets = new float[count];
        var spend = new float[count];
        var plan = new string[count];
        for (int r = 0; r < count; r++)
        {
            seats[r] = 1 + random.Next(5);
            tickets[r] = random.Next(60);
            spend[r] = blankSpend && r % 10 == 0 ? float.NaN : r % 50 == 0 ? 1000 + random.Next(4000) : MathF.Round(random.NextSingle() * 20, 2);
            plan[r] = Schema.Columns[3].Categories![random.Next(3)];
        }
        return new VaeTableRows(Schema, [seats, tickets, spend, plan]);
    }

    [TestMethod]
    public void IntegerColumnsGetWholeNumberBinsSkewedAmountsLogBinsAndBlankBarsOnlyWithBlanks()
    {
        var real = Rows(400, 1, blankSpend: false);
        var synthetic = Rows(300, 2, blankSpend: false);
        var (seats, seatsReal, seatsSynthetic) = ColumnHistograms.Shares(real, synthetic, 0);
        CollectionAssert.AreEqual(new[] { "1", "2", "3", "4", "5" }, seats);
        Assert.AreEqual(1.0, seatsReal.Sum(), 1e-9);
        Assert.AreEqual(1.0, seatsSynthetic.Sum(), 1e-9);
        Assert.AreEqual(real.Columns[0] is float[] s ? s.Count(v => v == 3) / 400.0 : -1, seatsReal[2], 1e-12);

        var (tickets, _, _) = ColumnHistograms.Shares(real, synthetic, 1);
        CollectionAssert.AreEqual(Enumerable.Range(0, 20).Select(i => $"{3 * i}-{3 * i + 2}").ToArray(), tickets, string.Join(", ", tickets));

        var (spend, spendReal, _) = ColumnHistograms.Shares(real, synthetic, 2);
        Assert.IsFalse(spend.Contains("(blank)"), string.Join(", ", spend));
        // Log bins: most rows (0-20 of a 0-5000 range) spread over several bars instead of one linear 0-250 bar.
        Assert.IsTrue(spendReal.Count(share => share > 0.05) >= 3, string.Join(", ", spend.Zip(spendReal, (l, v) => $"{l}: {v:F2}")));
        Assert.IsTrue(spendReal.Max() < 0.6);

        var (plans, _, _) = ColumnHistograms.Shares(real, synthetic, 3);
        CollectionAssert.AreEqual(new[] { "free", "basic", "pro" }, plans);
        var (withBlanks, blankReal, _) = ColumnHistograms.Shares(Rows(400, 1, blankSpend: true), synthetic, 2);
        Assert.AreEqual("(blank)", withBlanks[^1]);
        Assert.AreEqual(0.1, blankReal[^1], 1e-12);
    }

    [TestMethod]
    public void CopiedRowsAreExactCopiesCloserToTrainingAndFreshRowsAreNot()
    {
        var training = Rows(300, 1, blankSpend: true);
        var holdout = Rows(300, 2, blankSpend: true);
        var copied = RecordDistances.Measure(training, training, holdout);
        Assert.AreEqual(300, copied.ExactCopies);
        Assert.AreEqual(0.0, copied.MedianDistance);
        // Ties count as not closer: a blank-spend row may also have an exact twin in the holdout (few such rows).
        Assert.AreEqual(1.0, copied.CloserToTraining!.Value, 0.01);

        var fresh = RecordDistances.Measure(training, Rows(300, 3, blankSpend: true), holdout);
        Assert.IsTrue(fresh.CloserToTraining is > 0.35 and < 0.65, $"fresh rows closer to training: {fresh.CloserToTraining}");
        Assert.IsTrue(fresh.MedianDistance > 0);

        var asHoldout = RecordDistances.Measure(training, holdout, holdout);
        Assert.AreEqual(0.0, asHoldout.CloserToTraining, "rows copied from the holdout are never closer to training");
        Assert.IsNull(RecordDistances.Measure(training, holdout, null).CloserToTraining);
    }
}
