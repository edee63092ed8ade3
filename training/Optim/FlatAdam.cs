using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Optim;

/// <summary>
/// Adam over one flat parameter buffer: the parameters, their gradients and both moments of every parameter are views
/// into four contiguous buffers, so that a step is five whole-buffer operations and zero_grad one, instead of about
/// eight operations per parameter tensor. The arithmetic is TorchSharp's Adam's, operation for operation, and the state
/// objects are TorchSharp's (their moments are the views), so checkpoints are written and read in Adam's own layout
/// (under this class's name, which TorchSharp writes first) and a resumed run continues bit for bit.
/// </summary>
/// <remarks>
/// Unlike the per-tensor Adam, a parameter that received no gradient in a step is still updated with a zero gradient
/// (its moments decay); every trainable parameter of the models here gets a gradient in every step.
/// </remarks>
public class FlatAdam : Adam
{
    private readonly Tensor _parameters, _gradients, _firstMoment, _secondMoment;
    private readonly List<State> _states = [];

    /// <summary>Moves <paramref name="parameters"/> (float32, one device) into one buffer and builds Adam over them.</summary>
    public FlatAdam(IReadOnlyList<Parameter> parameters, double lr, double beta1, double beta2, double eps)
        : base(parameters, lr, beta1, beta2, eps)
    {
        if (parameters.Count == 0) throw new ArgumentException("FlatAdam needs at least one parameter", nameof(parameters));
        var first = parameters[0];
        if (parameters.Any(p => p.dtype != ScalarType.Float32 || p.device_type != first.device_type || p.device_index != first.device_index))
            throw new ArgumentException("FlatAdam needs float32 parameters on one device", nameof(parameters));
        long total = parameters.Sum(p => p.numel());
        _parameters = empty(total, device: first.device);
        _gradients = zeros(total, device: first.device);
        _firstMoment = zeros(total, device: first.device);
        _secondMoment = zeros(total, device: first.device);
        var states = state_dict().State;
        using var noGrad = no_grad();
        long offset = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            long n = p.numel();
            using (var view = Slice(_parameters, offset, n, p.shape))
            {
                view.copy_(p);
                // The parameter keeps its identity (modules, names, checkpoints see the same object); only its memory moves.
                p.set_(view);
            }
            p.grad = Slice(_gradients, offset, n, p.shape);
            var state = (State)states[i];
            state.exp_avg.Dispose();
            state.exp_avg_sq.Dispose();
            state.exp_avg = Slice(_firstMoment, offset, n, p.shape);
            state.exp_avg_sq = Slice(_secondMoment, offset, n, p.shape);
            _states.Add(state);
            offset += n;
        }
    }

    private static Tensor Slice(Tensor flat, long offset, long n, long[] shape) =>
        flat.narrow(0, offset, n).view(shape).DetachFromDisposeScope();

    /// <summary>Zeroes every gradient with one operation (LibTorch then accumulates into the views in place).</summary>
    public override void zero_grad() => _gradients.zero_();

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null)
    {
        if (closure is not null) throw new NotSupportedException("FlatAdam takes no closure");
        var options = (Options)_parameter_groups[0].Options;
        double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, eps = options.eps!.Value, lr = options.LearningRate!.Value;
        foreach (var state in _states) state.step += 1;
        long step = _states[0].step;
        double biasCorrection1 = 1 - Math.Pow(beta1, step), biasCorrection2 = 1 - Math.Pow(beta2, step);
        using var noGrad = no_grad();
        Update(beta1, beta2, eps, lr / biasCorrection1, Math.Sqrt(biasCorrection2));
        return null!;
    }

    /// <summary>
    /// One step's update of the four buffers, with the step's size (the learning rate over the first moment's bias
    /// correction) and the square root of the second moment's: here TorchSharp's Adam's operations on the whole buffers.
    /// </summary>
    protected virtual void Update(double beta1, double beta2, double eps, double stepSize, double biasCorrection2Root)
    {
        using var scope = NewDisposeScope();
        _firstMoment.mul_(beta1).add_(_gradients, alpha: 1 - beta1);
        _secondMoment.mul_(beta2).addcmul_(_gradients, _gradients, value: 1 - beta2);
        var denominator = (_secondMoment.sqrt() / biasCorrection2Root).add_(eps);
        _parameters.addcdiv_(_firstMoment, denominator, value: -stepSize);
    }

    /// <summary>The parameters' buffer as a span (CPU).</summary>
    protected Span<float> ParameterBuffer => Floats(_parameters);

    /// <summary>The gradients' buffer as a span (CPU).</summary>
    protected Span<float> GradientBuffer => Floats(_gradients);

    /// <summary>The first moments' buffer as a span (CPU).</summary>
    protected Span<float> FirstMomentBuffer => Floats(_firstMoment);

    /// <summary>The second moments' buffer as a span (CPU).</summary>
    protected Span<float> SecondMomentBuffer => Floats(_secondMoment);

    private static Span<float> Floats(Tensor buffer) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(buffer.bytes);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        _parameters.Dispose();
        _gradients.Dispose();
        _firstMoment.Dispose();
        _secondMoment.Dispose();
    }
}
