/// <summary>A generated table of orders: a country, an express flag, a quantity, a price and a weight that go together.</summary>
internal sealed class Orders
{
    private static readonly string[] Countries = ["DE", "FR", "IT", "NL"];

    public string Country { get; set; } = "";
    public bool Express { get; set; }
    public int Quantity { get; set; }
    public double UnitPrice { get; set; }
    public float Weight { get; set; }

    /// <summary>1 for a planted anomaly (a weight that does not fit the quantity), 0 otherwise.</summary>
    public float Label { get; set; }

    public static Orders[] Generate(int count, int seed, int anomalies)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            int quantity = 1 + random.Next(10);
            bool odd = i >= count - anomalies;
            return new Orders
            {
                Country = Countries[random.Next(Countries.Length)], Express = random.NextDouble() < 0.3, Quantity = quantity,
                UnitPrice = Math.Round(20 + 5 * random.NextDouble(), 2),
                Weight = (float)Math.Round(quantity * 1.5 * (odd ? 6 : 1) + 0.2 * random.NextDouble(), 2), Label = odd ? 1 : 0,
            };
        }).ToArray();
    }
}
