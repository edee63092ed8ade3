using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.DataView;

/// <summary>Reads the input columns of the row an upstream cursor or row points at into one slot of a block's buffers.</summary>
internal interface IRowInput
{
    /// <summary>Copies the current row's inputs into slot <paramref name="slot"/> of <paramref name="buffers"/>.</summary>
    void Store(ScoringBuffers buffers, int slot);
}
