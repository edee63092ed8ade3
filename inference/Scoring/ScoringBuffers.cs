using VaeOnnx.Contract;
using Microsoft.ML.OnnxRuntime;

namespace VaeOnnx.Inference.Scoring;

/// <summary>
/// The reused input and output arrays of one block of rows (block size times the width of each value), and ONNX Runtime
/// values bound to them once for full blocks, so that scoring a full block allocates nothing. Decoding reads z from
/// <see cref="Mu"/>: reconstruction decodes mu, so one slot serves both.
/// </summary>
internal sealed class ScoringBuffers : IDisposable
{
    private readonly Dictionary<float[], OrtValue> _bound = new(ReferenceEqualityComparer.Instance);
    private readonly int _inputDim, _latentDim;

    private readonly int _columns;

    public ScoringBuffers(ScoringStage stage, int inputDim, int latentDim, int blockSize, TableSchema? table = null)
    {
        (_inputDim, _latentDim, BlockSize) = (inputDim, latentDim, blockSize);
        bool encodes = stage != ScoringStage.Decode, decodes = stage != ScoringStage.Encode;
        bool scores = stage is ScoringStage.AnomalyScore or ScoringStage.TableScore, tableScores = stage == ScoringStage.TableScore;
        _columns = tableScores ? table!.Columns.Count : 0;
        TableColumns = tableScores ? table!.Columns.Select(c => c.IsText ? (Array)new string?[blockSize] : new float[blockSize]).ToArray() : [];
        Observed = tableScores ? new float[blockSize * _columns] : [];
        Unknown = tableScores ? new float[blockSize * _columns] : [];
        Contributions = tableScores ? new float[blockSize * _columns] : [];
        Input = encodes ? new float[blockSize * inputDim] : [];
        Mu = new float[blockSize * latentDim];
        LogVar = encodes ? new float[blockSize * latentDim] : [];
        XHat = decodes ? new float[blockSize * inputDim] : [];
        Score = scores ? new float[blockSize] : [];
        Reconstruction = scores ? new float[blockSize] : [];
        Kl = scores ? new float[blockSize] : [];
        SquaredError = stage == ScoringStage.AnomalyScore ? new float[blockSize] : [];
    }

    /// <summary>Rows per full block.</summary>
    public int BlockSize { get; }
    /// <summary>Raw input rows x.</summary>
    public float[] Input { get; }
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
        ScoredValue.Contributions => (Contributions, _columns),
        ScoredValue.IsAnomaly => (Score, 0),
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    /// <summary>
    /// A tensor over the first <paramref name="rows"/> rows of <paramref name="array"/>: for a full block the value bound
    /// once (owned here), otherwise a new one added to <paramref name="made"/> for the caller to dispose.
    /// </summary>
    public OrtValue Tensor(float[] array, int width, int rows, List<OrtValue> made)
    {
        if (rows == BlockSize)
        {
            if (!_bound.TryGetValue(array, out var bound))
            {
                bound = Create(array, width, rows);
                _bound[array] = bound;
            }
            return bound;
        }
        var value = Create(array, width, rows);
        made.Add(value);
        return value;
    }

    private static OrtValue Create(float[] array, int width, int rows) => width == 0
        ? OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, array.AsMemory(0, rows), [rows])
        : OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, array.AsMemory(0, rows * width), [rows, width]);

    /// <summary>Releases the bound values.</summary>
    public void Dispose()
    {
        foreach (var value in _bound.Values) value.Dispose();
        _bound.Clear();
    }
}
