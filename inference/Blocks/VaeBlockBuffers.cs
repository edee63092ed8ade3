namespace VaeOnnx.Inference.Blocks;

/// <summary>
/// The reused input and output arrays of one cursor (block size times the width of each value), and ONNX Runtime values
/// bound to them once for full blocks, so that scoring a full block allocates nothing.
/// </summary>
public sealed class VaeBlockBuffers : IDisposable
{
    private readonly Dictionary<float[], Microsoft.ML.OnnxRuntime.OrtValue> _bound = new(ReferenceEqualityComparer.Instance);

    /// <summary>Allocates the arrays for blocks of <paramref name="blockSize"/> rows.</summary>
    public VaeBlockBuffers(VaeBlockRunner runner, int blockSize)
    {
        BlockSize = blockSize;
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

    /// <summary>Rows per full block.</summary>
    public int BlockSize { get; }

    /// <summary>The value bound to all of <paramref name="array"/> as a [block, width] (or [block]) tensor, made on first use.</summary>
    internal Microsoft.ML.OnnxRuntime.OrtValue Bound(float[] array, int width)
    {
        if (!_bound.TryGetValue(array, out var value))
        {
            long[] shape = width == 0 ? [BlockSize] : [BlockSize, width];
            value = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(array, shape);
            _bound[array] = value;
        }
        return value;
    }

    /// <summary>Releases the bound values.</summary>
    public void Dispose()
    {
        foreach (var value in _bound.Values) value.Dispose();
        _bound.Clear();
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
