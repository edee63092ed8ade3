using VaeOnnx.Contract;

namespace VaeOnnx.Export;

/// <summary>The inputs of a parity batch besides x: the condition of a conditional model, the noise of an IAF posterior.</summary>
/// <param name="Condition">One-hot rows [N, K] (class r mod K on row r), or null.</param>
/// <param name="Eps">Noise [N, <see cref="Draws"/>, L]: zeros for the first draw, fixed standard normal values for the second; or null.</param>
internal sealed record ParityInputs(float[]? Condition, float[]? Eps)
{
    /// <summary>Noise draws per parity row.</summary>
    public const int Draws = 2;

    /// <summary>The inputs <paramref name="arch"/> needs for <paramref name="rows"/> rows.</summary>
    public static ParityInputs Create(VaeArchitecture arch, int rows)
    {
        float[]? condition = null, eps = null;
        if (arch.ConditionDim > 0)
        {
            condition = new float[rows * arch.ConditionDim];
            for (int r = 0; r < rows; r++) condition[r * arch.ConditionDim + r % arch.ConditionDim] = 1f;
        }
        if (arch.HasFlow)
        {
            var random = new Random(54321);
            int l = arch.LatentDim;
            eps = new float[rows * Draws * l];
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < l; j++)
                    eps[(r * Draws + 1) * l + j] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }
        return new ParityInputs(condition, eps);
    }
}
