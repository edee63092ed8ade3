namespace VaeOnnx.Inference;

/// <summary>Where ONNX Runtime runs the graphs.</summary>
public enum VaeExecutionProvider
{
    /// <summary>The CPU provider, always available.</summary>
    Cpu,

    /// <summary>NVIDIA CUDA; needs the VaeOnnx.Inference.Gpu package (in place of VaeOnnx.Inference), a GPU, CUDA 13 and cuDNN 9.</summary>
    Cuda,
}
