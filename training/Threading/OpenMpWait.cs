using System.Text.Json.Serialization;
using VaeOnnx.Contract;

namespace VaeOnnx.Training.Threading;

/// <summary>How an OpenMP thread with no work waits for the next parallel region or barrier.</summary>
[JsonConverter(typeof(ContractEnumConverter<OpenMpWait>))]
public enum OpenMpWait
{
    /// <summary>
    /// The runtime's own choice (the environment's OMP_WAIT_POLICY, else GNU OpenMP's default: spin about 300,000
    /// times before sleeping). Fastest while every thread has a core of its own.
    /// </summary>
    [JsonStringEnumMemberName("spin")]
    Spin,

    /// <summary>
    /// OMP_WAIT_POLICY=PASSIVE: a waiting thread sleeps at once, so that it never burns the time slice a preempted
    /// team mate needs to reach the barrier on a machine whose cores other jobs share.
    /// </summary>
    [JsonStringEnumMemberName("passive")]
    Passive,
}
