using VaeOnnx.Contract;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference;

/// <summary>
/// Synthetic rows from a table pair: z drawn from the prior N(0, I), decoded through the pair's decoder graph, and every
/// cell drawn from its decoded likelihood: a category from its softmax probabilities, a flag with its probability (written
/// in the training file's spellings), a number from its Gaussian (the decoder's mean and learned variance; a mode-encoded number's mode from its
/// probabilities, then its offset within the mode, or a spike's exact value), kept within the training range and written as the file did (integers whole, at most the file's decimals, dates in the file's format), and a blank cell with the
/// decoded probability of its missing-value indicator. The same seed and count give the same rows. Dispose it to close
/// the decoder session.
/// A conditional table pair (<see cref="VaeModel.Condition"/>, trained with <c>--condition-column</c>) decodes p(x|z,c):
/// <see cref="Sample(int, int, string)"/> gives every row the asked class, and <see cref="Sample(int, int)"/> draws each
/// row's class in the training rows' proportions (<see cref="ConditionSpec.Proportions"/>; equal shares for a pair that
/// records none), so that the rows look like the training table as a whole. The rows then carry the condition column.
/// </summary>
public sealed class VaeTableSynthesizer : IDisposable
{
    private const int BlockRows = 1024;
    private readonly VaeModel _model;
    private readonly DecodePass _decoder;

    /// <summary>A synthesizer for <paramref name="model"/>, a table pair.</summary>
    public VaeTableSynthesizer(VaeModel model)
    {
        if (model.Table is null) throw new ArgumentException($"{model.EncoderPath}: not a table pair; synthesis writes the columns of a table model", nameof(model));
        _model = model;
        _decoder = new DecodePass(model);
    }

    /// <summary>
    /// Draws <paramref name="count"/> rows with <paramref name="seed"/>; for a conditional pair each row's condition is drawn
    /// in the training proportions first.
    /// </summary>
    public VaeTableRows Sample(int count, int seed) => Sample(count, seed, fixedClass: -1);

    /// <summary>
    /// Draws <paramref name="count"/> rows of a conditional pair, every one with the condition <paramref name="condition"/>
    /// (one of <see cref="ConditionSpec.Classes"/>, exact text), with <paramref name="seed"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The pair is not conditional, or <paramref name="condition"/> is not one of its classes (the message names the model file, the column and the classes).</exception>
    public VaeTableRows Sample(int count, int seed, string condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return Sample(count, seed, ClassIndex(condition));
    }

    private int ClassIndex(string condition)
    {
        var spec = _model.Condition
            ?? throw new ArgumentException($"{_model.EncoderPath}: the table model was trained without a condition; draw its rows without one", nameof(condition));
        int index = spec.Classes.ToList().IndexOf(condition);
        return index >= 0 ? index
            : throw new ArgumentException($"{_model.EncoderPath}: '{condition}' is not a value of the condition column '{spec.Column}'; expected one of {string.Join(", ", spec.Classes)}", nameof(condition));
    }

    /// <summary>
    /// The rows <see cref="Sample(int, int)"/> (or, with <paramref name="condition"/>, <see cref="Sample(int, int, string)"/>)
    /// draws, the same rows in the same order, as consecutive blocks of <paramref name="blockRows"/> rows (the last may be
    /// shorter), so that a synthetic table larger than memory is written a block at a time.
    /// </summary>
    /// <param name="count">Rows in all.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="blockRows">Rows per block: a multiple of <see cref="DrawRows"/>, the rows decoded per call, so that the draws follow the same sequence as one block.</param>
    /// <param name="condition">For a conditional pair, the class of every row; null draws each row's class.</param>
    /// <exception cref="ArgumentException">As <see cref="Sample(int, int, string)"/>; or <paramref name="blockRows"/> is not a positive multiple of <see cref="DrawRows"/>.</exception>
    public IEnumerable<VaeTableRows> SampleBlocks(int count, int seed, int blockRows, string? condition = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (blockRows <= 0 || blockRows % DrawRows != 0)
            throw new ArgumentOutOfRangeException(nameof(blockRows), blockRows, $"blocks must be a positive multiple of {DrawRows} rows");
        return Blocks(count, seed, condition is null ? -1 : ClassIndex(condition), blockRows);
    }

    /// <summary>Rows decoded per call of the decoder graph.</summary>
    public const int DrawRows = BlockRows;

    private VaeTableRows Sample(int count, int seed, int fixedClass)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be 0 or more");
        return count == 0 ? Rows(new CellSampler(_model.Table!, _model.DecoderLogVar ?? new float[_model.Table!.FeatureCount], 0), _model.Condition is null ? null : [])
            : Blocks(count, seed, fixedClass, count).Single();
    }

    private IEnumerable<VaeTableRows> Blocks(int count, int seed, int fixedClass, int blockRows)
    {
        var schema = _model.Table!;
        var random = new Random(seed);
        int l = _model.LatentDim, d = schema.FeatureCount, k = _model.ConditionDim;
        var condition = _model.Condition;
        var shares = condition is null ? null : (condition.Proportions ?? Enumerable.Repeat(1.0 / k, k).ToArray()).Select(p => (float)p).ToArray();
        var buffers = _decoder.RentBuffers(BlockRows);
        try
        {
            for (int first = 0; first < count; first += blockRows)
            {
                int blockCount = Math.Min(blockRows, count - first);
                var cells = new CellSampler(schema, _model.DecoderLogVar ?? new float[d], blockCount);
                var classes = condition is null ? null : new int[blockCount];
                for (int start = 0; start < blockCount; start += BlockRows)
                {
                    int rows = Math.Min(BlockRows, blockCount - start);
                    for (int i = 0; i < rows * l; i++) buffers.Mu[i] = (float)VaeModel.StandardNormal(random);
                    if (classes is not null)
                    {
                        Array.Clear(buffers.Condition, 0, rows * k);
                        for (int r = 0; r < rows; r++)
                        {
                            int c = classes[start + r] = fixedClass >= 0 ? fixedClass : CellSampler.Draw(shares, random);
                            buffers.Condition[r * k + c] = 1f;
                        }
                    }
                    _decoder.Run(buffers, rows);
                    for (int r = 0; r < rows; r++) cells.Draw(start + r, buffers.XHat.AsSpan(r * d, d), random);
                }
                yield return Rows(cells, classes);
            }
        }
        finally
        {
            _decoder.ReturnBuffers(buffers);
        }
    }

    private VaeTableRows Rows(CellSampler cells, int[]? classes) => classes is null ? new VaeTableRows(_model.Table!, cells.Columns)
        : new VaeTableRows(_model.Table!, cells.Columns, _model.Condition!.Column, classes.Select(c => _model.Condition.Classes[c]).ToArray());

    /// <inheritdoc />
    public void Dispose() => _decoder.Dispose();

    /// <summary>Draws the cells of one decoded row into the output columns.</summary>
    private sealed class CellSampler
    {
        private readonly TableSchema _schema;
        private readonly IReadOnlyList<ColumnSpan> _spans;
        private readonly IReadOnlyList<float> _logVar;

        private readonly ModeEncoding?[] _modes;

        public CellSampler(TableSchema schema, IReadOnlyList<float> logVar, int count)
        {
            (_schema, _spans, _logVar) = (schema, schema.Spans, logVar);
            Columns = schema.Columns.Select(c => c.IsText ? (Array)new string[count] : new float[count]).ToArray();
            _modes = schema.Columns.Select(c => c.HasModes ? new ModeEncoding(c) : null).ToArray();
        }

        public Array[] Columns { get; }

        public void Draw(int row, ReadOnlySpan<float> parameters, Random random)
        {
            for (int j = 0; j < _schema.Columns.Count; j++)
            {
                var (column, span) = (_schema.Columns[j], _spans[j]);
                bool blank = span.HasIndicator && random.NextDouble() < parameters[span.Indicator];
                if (column.IsText) ((string[])Columns[j])[row] = blank ? "" : Text(column, parameters.Slice(span.Start, span.ValueWidth), random);
                else ((float[])Columns[j])[row] = blank ? float.NaN : Number(column, _modes[j], parameters.Slice(span.Start, span.ValueWidth), _logVar[span.Start], random);
            }
        }

        private static string Text(TableColumn column, ReadOnlySpan<float> p, Random random)
        {
            if (column.Kind == ColumnKind.Boolean) return random.NextDouble() < p[0] ? column.TrueText! : column.FalseText!;
            return column.Categories![Draw(p, random)];
        }

        /// <summary>An index drawn with the probabilities <paramref name="p"/> (renormalised).</summary>
        public static int Draw(ReadOnlySpan<float> p, Random random)
        {
            double u = random.NextDouble();
            double total = 0;
            for (int k = 0; k < p.Length; k++) total += p[k];
            double cumulative = 0;
            for (int k = 0; k < p.Length; k++)
            {
                cumulative += p[k] / total;
                if (u < cumulative) return k;
            }
            return p.Length - 1;
        }

        /// <summary>
        /// A number drawn from its Gaussian (for a mode-encoded number: a mode, then the offset within it; a spike's exact value), kept in the training range.
        /// </summary>
        private static float Number(TableColumn column, ModeEncoding? modes, ReadOnlySpan<float> value, float logVar, Random random)
        {
            int mode = modes is null ? -1 : Draw(value[1..], random);
            double draw = value[0] + Math.Exp(0.5 * logVar) * VaeModel.StandardNormal(random);
            // The offset's variance is one for the whole column, set by its Gaussian modes; a spike's value is exact.
            if (mode >= 0 && !double.IsNaN(modes!.Spikes[mode])) return (float)modes.Spikes[mode];
            double raw = modes is null ? draw / column.Scale + column.Offset : modes.Decode(mode, (float)draw);
            return (float)Math.Round(Math.Clamp(raw, column.Min, column.Max), column.IsWhole ? 0 : column.Decimals);
        }
    }
}
