"""Creates the template's tables, queues and event buses in an AWS endpoint (moto locally).

Reads each resource's own properties from template.yaml, so a table or queue added to the
template exists locally with no second list to keep in sync: tables get their encryption,
deletion protection and point-in-time recovery too. The KMS key the tables are encrypted with,
the alarm topic and the log groups are created as well (cheaply, in moto), so that every
reference to them resolves as in AWS; what only AWS acts on (alarms, a key alias, metric
filters, subscriptions, queue policies) is left out, named in NOT_EMULATED.
"""

from __future__ import annotations

import json

import boto3

from .template import Stack

TABLE = "AWS::DynamoDB::Table"
QUEUE = "AWS::SQS::Queue"
EVENT_BUS = "AWS::Events::EventBus"
KMS_KEY = "AWS::KMS::Key"
TOPIC = "AWS::SNS::Topic"
LOG_GROUP = "AWS::Logs::LogGroup"
SUPPORTED = (TABLE, QUEUE, EVENT_BUS, KMS_KEY, TOPIC, LOG_GROUP)
HTTP_API = "AWS::Serverless::HttpApi"
# Served or run by the devstack itself (apigw.py, functions.py), not created.
SERVED = (HTTP_API, "AWS::Serverless::Function", "AWS::Serverless::LayerVersion")
# Only AWS acts on these: nothing local reads an alarm, a key alias, a metric filter, an e-mail
# subscription or a queue's resource policy, so they are not created (nor their properties
# resolved: an alarm names functions, which have no physical ID here).
NOT_EMULATED = (
    "AWS::CloudWatch::Alarm",
    "AWS::KMS::Alias",
    "AWS::Logs::MetricFilter",
    "AWS::SNS::Subscription",
    "AWS::SQS::QueuePolicy",
)


class ClientFactory:
    """boto3 clients for one endpoint (moto's server locally); None means AWS's own."""

    def __init__(self, region: str, endpoint_url: str | None = None) -> None:
        self.region = region
        self.endpoint_url = endpoint_url
        # Against a local endpoint any credentials do; against AWS the usual chain applies.
        local = {"aws_access_key_id": "devstack", "aws_secret_access_key": "devstack"}
        self._session = boto3.session.Session(region_name=region, **(local if endpoint_url else {}))

    def __call__(self, service: str):
        return self._session.client(service, endpoint_url=self.endpoint_url)


# CloudFormation property → SQS attribute name, for the ones that differ only in spelling.
_QUEUE_ATTRIBUTES = {
    "FifoQueue": "FifoQueue",
    "ContentBasedDeduplication": "ContentBasedDeduplication",
    "DeduplicationScope": "DeduplicationScope",
    "FifoThroughputLimit": "FifoThroughputLimit",
    "VisibilityTimeout": "VisibilityTimeout",
    "MessageRetentionPeriod": "MessageRetentionPeriod",
    "DelaySeconds": "DelaySeconds",
    "ReceiveMessageWaitTimeSeconds": "ReceiveMessageWaitTimeSeconds",
    "MaximumMessageSize": "MaximumMessageSize",
}


def provision(stack: Stack, clients: ClientFactory | None = None) -> Stack:
    """Create every supported resource; fills the stack's physical IDs and attributes."""
    clients = clients or ClientFactory(stack.region)
    creators = {
        TABLE: _create_table(clients("dynamodb")),
        QUEUE: _create_queue(clients("sqs")),
        EVENT_BUS: _create_event_bus(clients("events")),
        KMS_KEY: _create_key(clients("kms")),
        TOPIC: _create_topic(clients("sns")),
        LOG_GROUP: _create_log_group(clients("logs")),
    }
    for name in stack.resources_of_type(HTTP_API):
        # Not created here (the devstack serves the routes itself), but functions name it.
        stack.physical_ids[name] = f"{name.lower()}-local"
    for name in stack.creation_order(SUPPORTED):
        resource = stack.resources[name]
        properties = stack.resolve(resource.get("Properties", {}))
        creators[resource["Type"]](stack, name, properties)
    return stack


def _create_table(dynamodb):
    def create(stack: Stack, name: str, props: dict) -> None:
        table_name = props.get("TableName") or f"{name}-local"
        args = {
            "TableName": table_name,
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            if props.get(key):
                args[key] = props[key]
        if args["BillingMode"] == "PROVISIONED":
            args["ProvisionedThroughput"] = props["ProvisionedThroughput"]
        sse = props.get("SSESpecification")
        if sse:
            # CloudFormation's SSEEnabled is the API's Enabled; the key is the one made above.
            args["SSESpecification"] = {"Enabled": bool(sse.get("SSEEnabled"))}
            for key in ("SSEType", "KMSMasterKeyId"):
                if sse.get(key):
                    args["SSESpecification"][key] = sse[key]
        if "DeletionProtectionEnabled" in props:
            args["DeletionProtectionEnabled"] = bool(props["DeletionProtectionEnabled"])
        description = dynamodb.create_table(**args)["TableDescription"]
        ttl = props.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            dynamodb.update_time_to_live(
                TableName=table_name,
                TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
            )
        recovery = props.get("PointInTimeRecoverySpecification") or {}
        if recovery.get("PointInTimeRecoveryEnabled"):
            dynamodb.update_continuous_backups(
                TableName=table_name,
                PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
            )
        stack.physical_ids[name] = table_name
        stack.attributes[(name, "Arn")] = description["TableArn"]

    return create


def _create_queue(sqs):
    def create(stack: Stack, name: str, props: dict) -> None:
        queue_name = props.get("QueueName") or (
            f"{name}-local.fifo" if props.get("FifoQueue") else f"{name}-local"
        )
        attributes = {
            sqs_name: str(props[cfn_name]).lower()
            if isinstance(props[cfn_name], bool)
            else str(props[cfn_name])
            for cfn_name, sqs_name in _QUEUE_ATTRIBUTES.items()
            if cfn_name in props
        }
        if "RedrivePolicy" in props:
            policy = props["RedrivePolicy"]
            attributes["RedrivePolicy"] = json.dumps(
                {
                    "deadLetterTargetArn": policy["deadLetterTargetArn"],
                    "maxReceiveCount": str(policy["maxReceiveCount"]),
                }
            )
        url = sqs.create_queue(QueueName=queue_name, Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        stack.physical_ids[name] = url
        stack.attributes[(name, "Arn")] = arn["Attributes"]["QueueArn"]
        stack.attributes[(name, "QueueName")] = queue_name
        stack.attributes[(name, "QueueUrl")] = url

    return create


def _create_event_bus(events):
    def create(stack: Stack, name: str, props: dict) -> None:
        arn = events.create_event_bus(Name=props["Name"])["EventBusArn"]
        stack.physical_ids[name] = props["Name"]
        stack.attributes[(name, "Arn")] = arn
        stack.attributes[(name, "Name")] = props["Name"]

    return create


def _create_key(kms):
    def create(stack: Stack, name: str, props: dict) -> None:
        args = {"Description": props.get("Description", name), "KeyUsage": "ENCRYPT_DECRYPT"}
        if props.get("KeyPolicy"):
            args["Policy"] = json.dumps(props["KeyPolicy"])
        metadata = kms.create_key(**args)["KeyMetadata"]
        if props.get("EnableKeyRotation"):
            kms.enable_key_rotation(KeyId=metadata["KeyId"])
        stack.physical_ids[name] = metadata["KeyId"]
        stack.attributes[(name, "Arn")] = metadata["Arn"]
        stack.attributes[(name, "KeyId")] = metadata["KeyId"]

    return create


def _create_topic(sns):
    def create(stack: Stack, name: str, props: dict) -> None:
        arn = sns.create_topic(Name=props.get("TopicName") or f"{name}-local")["TopicArn"]
        stack.physical_ids[name] = arn
        stack.attributes[(name, "TopicArn")] = arn
        stack.attributes[(name, "TopicName")] = arn.rsplit(":", 1)[-1]

    return create


def _create_log_group(logs):
    def create(stack: Stack, name: str, props: dict) -> None:
        group = props.get("LogGroupName") or f"/devstack/{name}"
        logs.create_log_group(logGroupName=group)
        if props.get("RetentionInDays"):
            logs.put_retention_policy(
                logGroupName=group, retentionInDays=int(props["RetentionInDays"])
            )
        stack.physical_ids[name] = group
        stack.attributes[(name, "Arn")] = (
            f"arn:aws:logs:{stack.region}:{stack.account_id}:log-group:{group}:*"
        )

    return create


def put_secret(clients: ClientFactory, name: str, value: str) -> None:
    clients("ssm").put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)
