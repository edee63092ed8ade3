using VaeOnnx.Contract;
using Microsoft.ML.OnnxRuntime;

namespace VaeOnnx.Inference.Scoring;

/// <summary>
/// The reused input and output arrays of one block of rows (block size times the width of each value), and ONNX Runtime
/// values bound to them once for full blocks, so that scoring a full block allocates nothing. Each pass says which arrays
/// it needs (<see cref="BlockArrays"/>). Decoding reads z from
/// <see cref="Mu"/>: reconstruction decodes mu, so one slot serves both (a flow posterior decodes <see cref="Latent"/>).
/// </summary>
internal sealed class ScoringBuffers : IDisposable
{
    private readonly Dictionary<float[], OrtValue> _bound = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<GraphCall, OrtIoBinding> _bindings = new(ReferenceEqualityComparer.Instance);
    private readonly int _inputDim, _latentDim;

    private readonly int _columns;

    /// <summary>Buffers holding <paramref name="arrays"/> (besides the means and conditions every block has).</summary>
    /// <param name="arrays">The arrays the pass reads or writes.</param>
    /// <param name="inputDim">Features D.</param>
    /// <param name="latentDim">Latent units L.</param>
    /// <param name="blockSize">Rows per full block.</param>
    /// <param name="conditionDim">Width K of a conditional pair's condition; 0 without one.</param>
    /// <param name="draws">Noise draws R per row of a flow posterior's encoder; 0 for a Gaussian posterior.</param>
    /// <param name="table">The schema of a table pair (for <see cref="BlockArrays.Table"/>); null otherwise.</param>
    public ScoringBuffers(BlockArrays arrays, int inputDim, int latentDim, int blockSize, int conditionDim = 0, int draws = 0, TableSchema? table = null)
    {
        (_inputDim, _latentDim, BlockSize, ConditionDim, Draws) = (inputDim, latentDim, blockSize, conditionDim, draws);
        bool tables = arrays.HasFlag(BlockArrays.Table), scores = arrays.HasFlag(BlockArrays.ScoreParts);
        _columns = tables ? table!.Columns.Count : 0;
        TableColumns = tables ? table!.Columns.Select(c => c.IsText ? (Array)new string?[blockSize] : new float[blockSize]).ToArray() : [];
        Observed = new float[blockSize * _columns];
        Unknown = new float[blockSize * _columns];
        Contributions = new float[blockSize * _columns];
        Input = arrays.HasFlag(BlockArrays.Input) ? new float[blockSize * inputDim] : [];
        Condition = new float[blockSize * conditionDim];
        Mu = new float[blockSize * latentDim];
        LogVar = arrays.HasFlag(BlockArrays.LogVar) ? new float[blockSize * latentDim] : [];
        XHat = arrays.HasFlag(BlockArrays.XHat) ? new float[blockSize * inputDim] : [];
        Score = scores ? new float[blockSize] : [];
        Reconstruction = scores ? new float[blockSize] : [];
        Kl = scores ? new float[blockSize] : [];
        SquaredError = arrays.HasFlag(BlockArrays.SquaredError) ? new float[blockSize] : [];
        bool flow = arrays.HasFlag(BlockArrays.Flow) && draws > 0;
        Eps = flow ? new float[blockSize * draws * latentDim] : [];
        Z = flow ? new float[blockSize * draws * latentDim] : [];
        LogQ = flow ? new float[blockSize * draws] : [];
        Latent = arrays.HasFlag(BlockArrays.Latent) ? new float[blockSize * latentDim] : [];
    }

    /// <summary>Rows per full block.</summary>
    public int BlockSize { get; }
    /// <summary>Width K of the condition (0 without one).</summary>
    public int ConditionDim { get; }
    /// <summary>Noise draws R per row of a flow posterior (0 for a Gaussian one).</summary>
    public int Draws { get; }
    /// <summary>Raw input rows x.</summary>
    public float[] Input { get; }
    /// <summary>One-hot conditions c of a conditional pair.</summary>
    public float[] Condition { get; }
    /// <summary>Posterior means, or the z to decode.</summary>
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
    /// <summary>Flow posteriors: the encoder's noise [rows, R, L].</summary>
    public float[] Eps { get; }
    /// <summary>Flow posteriors: the draws of q(z|x) after the flow [rows, R, L].</summary>
    public float[] Z { get; }
    /// <summary>Flow posteriors: log q(z|x) of each draw [rows, R].</summary>
    public float[] LogQ { get; }
    /// <summary>The z a stage outputs (a posterior draw) or, for a flow posterior, decodes (the flow of mu).</summary>
    public float[] Latent { get; }
    /// <summary>
    /// Table pairs: the block's cells per schema column, float[] for numbers (NaN for blank) and string?[] for flags and
    /// categories; <see cref="Input"/> then receives the encoder's features and <see cref="XHat"/> the decoder's logits.
    /// </summary>
    public Array[] TableColumns { get; }
    /// <summary>Table pairs: 1 where a cell's value term counts, rows x columns.</summary>
    public float[] Observed { get; }
    /// <summary>Table pairs: 1 where a cell holds a value training never had, rows x columns.</summary>
    public float[] Unknown { get; }
    /// <summary>Table pairs: each column's contribution, rows x columns.</summary>
    public float[] Contributions { get; }

    /// <summary>The array holding <paramref name="value"/> for every row of the block, and its width per row (0 for a scalar).</summary>
    public (float[] Values, int Width) Of(ScoredValue value) => value switch
    {
        ScoredValue.Mu => (Mu, _latentDim),
        ScoredValue.LogVar => (LogVar, _latentDim),
        ScoredValue.XHat => (XHat, _inputDim),
        ScoredValue.Score => (Score, 0),
        ScoredValue.Reconstruction => (Reconstruction, 0),
        ScoredValue.Kl => (Kl, 0),
        ScoredValue.SquaredError => (SquaredError, 0),
        ScoredValue.Z => (Latent, _latentDim),
        ScoredValue.Contributions => (Contributions, _columns),
        ScoredValue.IsAnomaly => (Score, 0),
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    /// <summary>
    /// A tensor over the first <paramref name="rows"/> rows of <paramref name="array"/>: for a full block the value bound
    /// once (owned here), otherwise a new one added to <paramref name="made"/> for the caller to dispose.
    /// </summary>
    public OrtValue Tensor(float[] array, int width, int rows, List<OrtValue> made) => Tensor(array, width == 0 ? [] : [width], rows, made);

    /// <summary>As <see cref="Tensor(float[], int, int, List{OrtValue})"/> for rows of shape <paramref name="rowShape"/> ([] for scalars).</summary>
    public OrtValue Tensor(float[] array, long[] rowShape, int rows, List<OrtValue> made)
    {
        if (rows == BlockSize)
        {
            if (!_bound.TryGetValue(array, out var bound))
            {
                bound = Create(array, rowShape, rows);
                _bound[array] = bound;
            }
            return bound;
        }
        var value = Create(array, rowShape, rows);
        made.Add(value);
        return value;
    }

    /// <summary>
    /// The I/O binding of <paramref name="graph"/> over the full-block values, made by <paramref name="create"/> on first
    /// use and owned here: later full blocks run without naming or marshalling their inputs and outputs again.
    /// </summary>
    public OrtIoBinding Binding(GraphCall graph, Func<OrtIoBinding> create)
    {
        if (!_bindings.TryGetValue(graph, out var binding))
        {
            binding = create();
            _bindings[graph] = binding;
        }
        return binding;
    }

    /// <summary>The block value over the array <paramref name="array"/> picks, rows of <paramref name="width"/> values (0 for scalars).</summary>
    public static BlockValue Value(Func<ScoringBuffers, float[]> array, int width) => (buffers, rows, made) => buffers.Tensor(array(buffers), width, rows, made);

    /// <summary>The block value over the array <paramref name="array"/> picks, rows of shape <paramref name="rowShape"/>.</summary>
    public static BlockValue Value(Func<ScoringBuffers, float[]> array, long[] rowShape) => (buffers, rows, made) => buffers.Tensor(array(buffers), rowShape, rows, made);

    private static OrtValue Create(float[] array, long[] rowShape, int rows)
    {
        long perRow = rowShape.Aggregate(1L, (a, b) => a * b);
        return OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, array.AsMemory(0, (int)(rows * perRow)), [rows, .. rowShape]);
    }

    /// <summary>Releases the bindings and the bound values.</summary>
    public void Dispose()
    {
        foreach (var binding in _bindings.Values) binding.Dispose();
        _bindings.Clear();
        foreach (var value in _bound.Values) value.Dispose();
        _bound.Clear();
    }
}
