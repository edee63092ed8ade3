using Microsoft.AspNetCore.Http;

namespace VaeOnnx.Serving.Endpoints;

/// <summary>What a handler answered: the result to send (empty when it wrote the response itself), rows served and the pair that served them.</summary>
/// <param name="Result">The result.</param>
/// <param name="Rows">Rows scored or drawn.</param>
/// <param name="PairId">The pair.</param>
internal sealed record Answered(IResult Result, int Rows, string PairId);
