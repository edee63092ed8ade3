namespace VaeOnnx.Inference.Blocks;

/// <summary>The reused input and output arrays of one cursor: block size times the width of each value.</summary>
public sealed class VaeBlockBuffers
{
    /// <summary>Allocates the arrays for blocks of <paramref name="blockSize"/> rows.</summary>
    public VaeBlockBuffers(VaeBlockRunner runner, int blockSize)
    {
        int d = runner.Model.InputDim, l = runner.Model.LatentDim;
        Input = new float[blockSize * runner.InputWidth];
        bool encodes = runner.Kind != VaeBlockKind.Decode;
        Mu = encodes ? new float[blockSize * l] : [];
        LogVar = encodes ? new float[blockSize * l] : [];
        XHat = runner.Kind != VaeBlockKind.Encode ? new float[blockSize * d] : [];
        bool scores = runner.Kind == VaeBlockKind.AnomalyScore;
        Score = scores ? new float[blockSize] : [];
        Reconstruction = scores ? new float[blockSize] : [];
        Kl = scores ? new float[blockSize] : [];
        SquaredError = scores ? new float[blockSize] : [];
    }

    /// <summary>Input rows (x, or z for decoding).</summary>
    public float[] Input { get; }
    /// <summary>Posterior means.</summary>
    public float[] Mu { get; }
    /// <summary>Posterior log-variances.</summary>
    public float[] LogVar { get; }
    /// <summary>Decoder outputs.</summary>
    public float[] XHat { get; }
    /// <summary>Anomaly scores.</summary>
    public float[] Score { get; }
    /// <summary>Reconstruction terms.</summary>
    public float[] Reconstruction { get; }
    /// <summary>KL terms.</summary>
    public float[] Kl { get; }
    /// <summary>Squared reconstruction errors.</summary>
    public float[] SquaredError { get; }
}
