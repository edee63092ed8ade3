namespace VaeOnnx.Tests.Trainers;

/// <summary>Typed customer rows for the trainer: text, flag, float, double and int columns, a label, and a segment.</summary>
internal static class TrainerRows
{
    public static Customer[] Ordinary(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var city = Tables.TableFiles.Cities[random.Next(3)];
            bool vip = city == "Paris" ? random.NextDouble() < 0.85 : random.NextDouble() < 0.1;
            float age = (float)Math.Round((vip ? 45 : 30) + 6 * (random.NextDouble() - 0.5), 1);
            double amount = Math.Round(age * 3 + 5 * (random.NextDouble() - 0.5), 2);
            var segment = vip ? "gold" : "bronze";
            return new Customer { City = city, Vip = vip, Age = age, Amount = amount, Visits = random.Next(3) + (vip ? 4 : 0), Segment = segment };
        }).ToArray();
    }

    /// <summary>Ordinary rows whose amount is ten times what their age makes usual, labelled 1.</summary>
    public static Customer[] Anomalies(int count, int seed) =>
        Ordinary(count, seed).Select(c => new Customer { City = c.City, Vip = c.Vip, Age = c.Age, Amount = c.Amount * 10, Visits = c.Visits, Segment = c.Segment, Label = 1 }).ToArray();

    internal sealed class Customer
    {
        public string City { get; set; } = "";
        public bool Vip { get; set; }
        public float Age { get; set; }
        public double Amount { get; set; }
        public int Visits { get; set; }
        public string Segment { get; set; } = "";
        public float Label { get; set; }
    }
}
