namespace VaeOnnx.Inference;

/// <summary>Where ONNX Runtime runs the graphs.</summary>
public enum VaeExecutionProvider
{
    /// <summary>The CPU provider, always available.</summary>
    Cpu,

    /// <summary>NVIDIA CUDA; needs the Microsoft.ML.OnnxRuntime.Gpu package and a GPU.</summary>
    Cuda,
}
